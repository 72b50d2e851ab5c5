/** Istio VirtualService: the routes, and whether it applies to the mesh's sidecars. */
import { KubeObject } from '../../manifest';
import { Shape, STRINGS } from '../fields';
import { KindModel } from '../kind';
import { fieldOf, listOf, optionalNumber, optionalString, specOf, stringsOf } from '../metadata';
import { gatewayName, MESH_GATEWAY } from '../names';

const destinationShape: Shape = { fields: { host: 'string', subset: 'string' } };
const percentageShape: Shape = { fields: { value: 'number' } };
const routeRulesShape: Shape = {
  list: {
    fields: {
      route: { list: { fields: { destination: destinationShape, weight: 'number' } } },
      mirror: destinationShape,
      mirrorPercentage: percentageShape,
      mirrors: { list: { fields: { destination: destinationShape, percentage: percentageShape } } },
    },
  },
};

export const VIRTUAL_SERVICE: KindModel = {
  kind: 'VirtualService',
  group: 'networking.istio.io',
  fields: { spec: { fields: { hosts: STRINGS, gateways: STRINGS, http: routeRulesShape, tcp: routeRulesShape, tls: routeRulesShape } } },
};

/** Istio's `Destination`: where a route sends traffic. Unset strings are empty, as in Istio's API. */
export interface Destination {
  /** Service host as written, short (`reviews`) or fully qualified; empty when missing. */
  readonly host: string;
  /** Subset of the host's DestinationRule; empty when none. */
  readonly subset: string;
  /** Port number of the destination service, when the destination selects one. */
  readonly port?: number;
}

/** One entry of a route list. */
export interface RouteDestination {
  /** Where it sends traffic; undefined when the entry has none (e.g. `- {}`). */
  readonly destination?: Destination;
  /** Its relative weight as written; undefined when not given (see manifest's receivesTraffic for who gets traffic). */
  readonly weight?: number;
}

/** A mirror of an HTTP rule (`mirror` with `mirrorPercentage`, or one of `mirrors`). */
export interface Mirror {
  /** The field it comes from. */
  readonly field: 'mirror' | 'mirrors';
  /** Where it copies traffic; undefined when the entry has none. */
  readonly destination?: Destination;
  /** Percentage of requests copied, as written; undefined means all. */
  readonly percentage?: number;
}

/** A URI condition of an HTTP match (neither given: any URI). */
export interface UriMatch {
  readonly exact?: string;
  readonly prefix?: string;
}

/** One rule of `http`, `tcp` or `tls`. */
export interface RouteRule {
  /** Its weighted destinations, in order. */
  readonly route: readonly RouteDestination[];
  /** Its mirrors, `mirror` first. */
  readonly mirrors: readonly Mirror[];
  /** URI conditions of its matches; empty when it matches every request. */
  readonly matches: readonly UriMatch[];
}

/** What the project reads of a VirtualService. */
export interface VirtualServiceView {
  /** Hosts the routes apply to, as written. */
  readonly hosts: readonly string[];
  /** Gateways the routes apply to, as written (`mesh` for sidecars; none means mesh only). */
  readonly gateways: readonly string[];
  /** Namespaces it is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** Rules per protocol, in document order. */
  readonly http: readonly RouteRule[];
  readonly tcp: readonly RouteRule[];
  readonly tls: readonly RouteRule[];
}

function destinationOf(value: unknown): Destination | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return {
    host: optionalString(fieldOf(value, 'host')) ?? '',
    subset: optionalString(fieldOf(value, 'subset')) ?? '',
    port: optionalNumber(fieldOf(fieldOf(value, 'port'), 'number')),
  };
}

function mirrorsOf(rule: unknown): Mirror[] {
  const mirrors: Mirror[] = [];
  const mirror = fieldOf(rule, 'mirror');
  if (mirror) {
    mirrors.push({ field: 'mirror', destination: destinationOf(mirror), percentage: optionalNumber(fieldOf(fieldOf(rule, 'mirrorPercentage'), 'value')) });
  }
  for (const entry of listOf(fieldOf(rule, 'mirrors'))) {
    mirrors.push({
      field: 'mirrors', destination: destinationOf(fieldOf(entry, 'destination')), percentage: optionalNumber(fieldOf(fieldOf(entry, 'percentage'), 'value')),
    });
  }
  return mirrors;
}

/** The rules of one protocol. Plain loops: every VirtualService of every phase is read, thousands per verification. */
function rulesOf(value: unknown): RouteRule[] {
  const rules: RouteRule[] = [];
  for (const rule of listOf(value)) {
    const route: RouteDestination[] = [];
    for (const entry of listOf(fieldOf(rule, 'route'))) {
      route.push({ destination: destinationOf(fieldOf(entry, 'destination')), weight: optionalNumber(fieldOf(entry, 'weight')) });
    }
    const matches: UriMatch[] = [];
    for (const match of listOf(fieldOf(rule, 'match'))) {
      const uri = fieldOf(match, 'uri');
      matches.push({ exact: optionalString(fieldOf(uri, 'exact')), prefix: optionalString(fieldOf(uri, 'prefix')) });
    }
    rules.push({ route, mirrors: mirrorsOf(rule), matches });
  }
  return rules;
}

/** The VirtualService view of an object. */
export function virtualServiceOf(object: KubeObject): VirtualServiceView {
  const spec = specOf(object);
  return {
    hosts: stringsOf(fieldOf(spec, 'hosts')),
    gateways: stringsOf(fieldOf(spec, 'gateways')),
    exportTo: stringsOf(fieldOf(spec, 'exportTo')),
    http: rulesOf(fieldOf(spec, 'http')),
    tcp: rulesOf(fieldOf(spec, 'tcp')),
    tls: rulesOf(fieldOf(spec, 'tls')),
  };
}

/** Whether a VirtualService applies to the mesh's sidecars: it names no gateway, or `mesh` among them. */
export function isMeshBound(virtualService: Pick<VirtualServiceView, 'gateways'>): boolean {
  return virtualService.gateways.length === 0 || virtualService.gateways.includes(MESH_GATEWAY);
}

/** The Gateways (not `mesh`) a VirtualService binds to, as `namespace/name`; short names are in its namespace. */
export function boundGateways(virtualService: Pick<VirtualServiceView, 'gateways'>, namespace: string): string[] {
  return virtualService.gateways.filter((g) => g !== MESH_GATEWAY).map((g) => gatewayName(g, namespace));
}

/** Whether a URI condition holds for a request path. */
export function uriMatches(match: UriMatch, path: string): boolean {
  if (match.exact !== undefined) return path === match.exact;
  if (match.prefix !== undefined) return path.startsWith(match.prefix);
  return true;
}
