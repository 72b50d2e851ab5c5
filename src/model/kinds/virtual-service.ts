/** Istio VirtualService: the routes, and whether it applies to the mesh's sidecars. */
import { KubeObject } from '../../manifest';
import { Shape, STRINGS } from '../fields';
import { KindModel } from '../kind';
import { listOf, NONE, optionalNumber, optionalString, raw, Raw, specOf, stringsOf } from '../metadata';
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
  const destination = raw(value);
  return {
    host: optionalString(destination?.host) ?? '',
    subset: optionalString(destination?.subset) ?? '',
    port: optionalNumber(raw(destination?.port)?.number),
  };
}

function mirrorsOf(rule: Raw): readonly Mirror[] {
  if (!rule?.mirror && !Array.isArray(rule?.mirrors)) return NONE;
  const mirrors: Mirror[] = [];
  if (rule?.mirror) {
    mirrors.push({ field: 'mirror', destination: destinationOf(rule.mirror), percentage: optionalNumber(raw(rule.mirrorPercentage)?.value) });
  }
  for (const entry of listOf(rule?.mirrors)) {
    mirrors.push({
      field: 'mirrors', destination: destinationOf(raw(entry)?.destination), percentage: optionalNumber(raw(raw(entry)?.percentage)?.value),
    });
  }
  return mirrors;
}

function matchesOf(value: unknown): readonly UriMatch[] {
  if (!Array.isArray(value) || value.length === 0) return NONE;
  return value.map((match) => {
    const uri = raw(raw(match)?.uri);
    return { exact: optionalString(uri?.exact), prefix: optionalString(uri?.prefix) };
  });
}

/** The rules of one protocol. Plain loops: every VirtualService of every phase is read, thousands per verification. */
function rulesOf(value: unknown): readonly RouteRule[] {
  if (!Array.isArray(value) || value.length === 0) return NONE;
  const rules: RouteRule[] = [];
  for (const item of listOf(value)) {
    const rule = raw(item);
    const route: RouteDestination[] = [];
    for (const entry of listOf(rule?.route)) {
      route.push({ destination: destinationOf(raw(entry)?.destination), weight: optionalNumber(raw(entry)?.weight) });
    }
    rules.push({ route, mirrors: mirrorsOf(rule), matches: matchesOf(rule?.match) });
  }
  return rules;
}

/** The VirtualService view of an object. */
export function virtualServiceOf(object: KubeObject): VirtualServiceView {
  const spec = specOf(object);
  return {
    hosts: stringsOf(spec?.hosts),
    gateways: stringsOf(spec?.gateways),
    exportTo: stringsOf(spec?.exportTo),
    http: rulesOf(spec?.http),
    tcp: rulesOf(spec?.tcp),
    tls: rulesOf(spec?.tls),
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
