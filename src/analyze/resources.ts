/**
 * The fields of Kubernetes and Istio objects that the analyzers read, normalised in one place:
 * YAML input is untrusted, so missing or mistyped lists become empty lists here and nowhere else.
 */
import { KubeObject, Labels } from '../manifest';

/** The kinds the analyzers read, each tied to its API group so that e.g. Istio's Gateway is not the Gateway API's. */
export const KIND_GROUPS = {
  VirtualService: 'networking.istio.io',
  DestinationRule: 'networking.istio.io',
  Gateway: 'networking.istio.io',
  ServiceEntry: 'networking.istio.io',
  Service: '',
  Pod: '',
  Namespace: '',
  Node: '',
  Deployment: 'apps',
} as const;

/** A kind the analyzers read. */
export type Kind = keyof typeof KIND_GROUPS;

export type { Labels };

/** Istio's `Destination`: where a route sends traffic. */
export interface Destination {
  /** Service host, short (`reviews`) or fully qualified. */
  readonly host: string;
  /** Subset name of the host's DestinationRule; empty when none. */
  readonly subset: string;
  /** Port number of the destination service, when the destination selects one. */
  readonly port?: number;
}

/** One destination of a route, with where it sits in the VirtualService. */
export interface RouteDestination {
  /** The route list it belongs to: `http`, `tcp`, `tls`, or `http.mirror` / `http.mirrors` for mirrors. */
  readonly rule: 'http' | 'tcp' | 'tls' | 'http.mirror' | 'http.mirrors';
  /** The destination; absent when the route entry has none (e.g. `- {}`). */
  readonly destination?: Destination;
  /** The route's relative weight, when given. */
  readonly weight?: number;
}

/** The routing part of a VirtualService. */
export interface VirtualServiceSpec {
  /** Hosts the routes apply to. */
  readonly hosts: readonly string[];
  /** Gateways the routes apply to (`mesh` for sidecars; empty means mesh only). */
  readonly gateways: readonly string[];
  /** Namespaces the VirtualService is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** Route destinations of every http, tcp and tls rule, one list per rule, in that order. */
  readonly routes: readonly (readonly RouteDestination[])[];
  /** Mirror destinations of the http rules. */
  readonly mirrors: readonly RouteDestination[];
}

/** A named subset of a DestinationRule. */
export interface Subset {
  /** Subset name, referenced by routes. */
  readonly name: string;
  /** Labels that select the subset's endpoints. */
  readonly labels: Labels;
}

/** The parts of a DestinationRule the analyzers read. */
export interface DestinationRuleSpec {
  /** The service host the rule applies to. */
  readonly host: string;
  /** Namespaces the rule is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** The rule's subsets. */
  readonly subsets: readonly Subset[];
  /** Ports named in `trafficPolicy.portLevelSettings`, of the rule and of its subsets. */
  readonly policyPorts: readonly number[];
}

/** One server (listener) of a Gateway. */
export interface GatewayServer {
  /** Port number the gateway listens on; absent when the server has no port. */
  readonly port?: number;
  /** Hosts exposed on the server, optionally `namespace/host`. */
  readonly hosts: readonly string[];
}

/** The parts of a Gateway the analyzers read. */
export interface GatewaySpec {
  /** Labels of the gateway workload pods. */
  readonly selector: Labels;
  /** The gateway's servers. */
  readonly servers: readonly GatewayServer[];
}

/** One port of a Kubernetes Service. */
export interface ServicePort {
  /** Port name; empty when unnamed. */
  readonly name: string;
  /** The service port number. */
  readonly port: number;
  /** The pod port, a number or a container port name; undefined when not given. */
  readonly targetPort?: number | string;
  /** Transport protocol; Kubernetes defaults it to TCP. */
  readonly protocol: string;
  /** Application protocol, when given. */
  readonly appProtocol?: string;
}

/** The parts of a Kubernetes Service the analyzers read. */
export interface ServiceSpec {
  /** Service type (ClusterIP, ExternalName, ...); empty when not given. */
  readonly type: string;
  /** Pod selector; empty when the Service selects no pods itself. */
  readonly selector: Labels;
  /** The service ports. */
  readonly ports: readonly ServicePort[];
}

/** The parts of a ServiceEntry the analyzers read. */
export interface ServiceEntrySpec {
  /** Hosts the entry adds to the registry. */
  readonly hosts: readonly string[];
  /** Namespaces the entry is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** Port numbers of the entry. */
  readonly ports: readonly number[];
  /** Labels of the workloads behind the entry, when it selects any. */
  readonly workloadLabels: Labels;
}

/** The pod template of a Deployment, as the analyzers read it. */
export interface PodTemplate {
  /** Labels of the pods. */
  readonly labels: Labels;
  /** Annotations of the pods. */
  readonly annotations: Labels;
  /** Container names and images of the pods. */
  readonly containers: readonly { readonly name: string; readonly image: string }[];
}

/** True when the object is of the given kind (kind and API group). */
export function isKind(obj: KubeObject, kind: Kind): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return obj.kind === kind && group === KIND_GROUPS[kind];
}

function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === 'string');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function labels(value: unknown): Labels {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function destination(value: any): Destination | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return { host: text(value.host), subset: text(value.subset), port: optionalNumber(value.port?.number) };
}

/** The routing part of a VirtualService. */
export function virtualServiceSpec(obj: KubeObject): VirtualServiceSpec {
  const spec = obj.spec ?? {};
  const routesOf = (rule: 'http' | 'tcp' | 'tls'): RouteDestination[][] =>
    list(spec[rule]).map((entry: any) => list(entry?.route).map((route: any) => ({
      rule, destination: destination(route?.destination), weight: optionalNumber(route?.weight),
    })));
  const mirrors = list(spec.http).flatMap((entry: any): RouteDestination[] => [
    ...(entry?.mirror ? [{ rule: 'http.mirror' as const, destination: destination(entry.mirror) }] : []),
    ...list(entry?.mirrors).map((mirror: any) => ({ rule: 'http.mirrors' as const, destination: destination(mirror?.destination) })),
  ]);
  // Istio's order: tcp, tls, then http.
  return {
    hosts: strings(spec.hosts),
    gateways: strings(spec.gateways),
    exportTo: strings(spec.exportTo),
    routes: [...routesOf('tcp'), ...routesOf('tls'), ...routesOf('http')],
    mirrors,
  };
}

function portLevelPorts(trafficPolicy: any): number[] {
  return list(trafficPolicy?.portLevelSettings).map((setting: any) => optionalNumber(setting?.port?.number))
    .filter((port): port is number => port !== undefined);
}

/** The parts of a DestinationRule the analyzers read. */
export function destinationRuleSpec(obj: KubeObject): DestinationRuleSpec {
  const spec = obj.spec ?? {};
  const rawSubsets = list(spec.subsets);
  return {
    host: text(spec.host),
    exportTo: strings(spec.exportTo),
    subsets: rawSubsets.map((subset: any) => ({ name: text(subset?.name), labels: labels(subset?.labels) })),
    policyPorts: [spec.trafficPolicy, ...rawSubsets.map((subset: any) => subset?.trafficPolicy)].flatMap(portLevelPorts),
  };
}

/** The parts of a Gateway the analyzers read. */
export function gatewaySpec(obj: KubeObject): GatewaySpec {
  const spec = obj.spec ?? {};
  return {
    selector: labels(spec.selector),
    servers: list(spec.servers).map((server: any) => ({ port: optionalNumber(server?.port?.number), hosts: strings(server?.hosts) })),
  };
}

/** The parts of a Kubernetes Service the analyzers read. */
export function serviceSpec(obj: KubeObject): ServiceSpec {
  const spec = obj.spec ?? {};
  return {
    type: text(spec.type),
    selector: labels(spec.selector),
    ports: list(spec.ports).map((port: any) => ({
      name: text(port?.name),
      port: optionalNumber(port?.port) ?? 0,
      targetPort: typeof port?.targetPort === 'number' || typeof port?.targetPort === 'string' ? port.targetPort : undefined,
      protocol: text(port?.protocol) || 'TCP',
      appProtocol: typeof port?.appProtocol === 'string' ? port.appProtocol : undefined,
    })),
  };
}

/** The parts of a ServiceEntry the analyzers read. */
export function serviceEntrySpec(obj: KubeObject): ServiceEntrySpec {
  const spec = obj.spec ?? {};
  return {
    hosts: strings(spec.hosts),
    exportTo: strings(spec.exportTo),
    ports: list(spec.ports).map((port: any) => optionalNumber(port?.number)).filter((port): port is number => port !== undefined),
    workloadLabels: labels(spec.workloadSelector?.labels),
  };
}

/** The pod template of a Deployment. */
export function podTemplate(obj: KubeObject): PodTemplate {
  const template = obj.spec?.template ?? {};
  return {
    labels: labels(template.metadata?.labels),
    annotations: labels(template.metadata?.annotations),
    containers: list(template.spec?.containers).map((container: any) => ({ name: text(container?.name), image: text(container?.image) })),
  };
}

/** Labels of an object's metadata. */
export function labelsOf(obj: KubeObject): Labels {
  return labels(obj.metadata.labels);
}

/** Annotations of an object's metadata. */
export function annotationsOf(obj: KubeObject): Labels {
  return labels(obj.metadata.annotations);
}
