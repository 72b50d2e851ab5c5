/**
 * The fields of Kubernetes and Istio objects that the analyzers read, as src/model reads them (the one
 * reader of the objects: missing or mistyped fields become empty there), shaped the way Istio's analyzers
 * walk them: route lists in Istio's order (tcp, tls, then http), the http mirrors apart.
 */
import { KubeObject } from '../manifest';
import {
  annotationsOf, Destination, destinationRuleOf, DestinationRuleView, gatewayOf, GatewayView, isKind as isModelKind, KIND_GROUPS as MODEL_KIND_GROUPS,
  Labels, labelsOf, podTemplateOf, PodTemplateView, RouteRule, serviceEntryOf, ServiceEntryView, serviceOf, ServicePort, ServiceView, virtualServiceOf,
} from '../model';

/** The kinds the analyzers read. */
const ANALYZED_KINDS = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Service', 'Pod', 'Namespace', 'Node', 'Deployment'] as const;

/** A kind the analyzers read. */
export type Kind = (typeof ANALYZED_KINDS)[number];

/** The API group of each kind the analyzers read (the model's), so that e.g. Istio's Gateway is not the Gateway API's. */
export const KIND_GROUPS = Object.fromEntries(ANALYZED_KINDS.map((kind) => [kind, MODEL_KIND_GROUPS[kind]])) as Readonly<Record<Kind, string>>;

export type { Destination, Labels, ServicePort, ServiceView };
export { annotationsOf, labelsOf };

/** One destination of a route, with where it sits in the VirtualService. */
export interface AnalyzedRoute {
  /** The route list it belongs to: `http`, `tcp`, `tls`, or `http.mirror` / `http.mirrors` for mirrors. */
  readonly rule: 'http' | 'tcp' | 'tls' | 'http.mirror' | 'http.mirrors';
  /** The destination; absent when the route entry has none (e.g. `- {}`). */
  readonly destination?: Destination;
  /** The route's relative weight, when given. */
  readonly weight?: number;
}

/** The routing part of a VirtualService as the analyzers walk it. */
export interface AnalyzedVirtualService {
  /** Hosts the routes apply to. */
  readonly hosts: readonly string[];
  /** Gateways the routes apply to (`mesh` for sidecars; empty means mesh only). */
  readonly gateways: readonly string[];
  /** Namespaces the VirtualService is visible to (empty means all). */
  readonly exportTo: readonly string[];
  /** Route destinations of every tcp, tls and http rule, one list per rule, in that order. */
  readonly routes: readonly (readonly AnalyzedRoute[])[];
  /** Mirror destinations of the http rules. */
  readonly mirrors: readonly AnalyzedRoute[];
}

/** True when the object is of the given kind (kind and API group). */
export function isKind(obj: KubeObject, kind: Kind): boolean {
  return isModelKind(obj, kind);
}

/** The routing part of a VirtualService. */
export function virtualServiceSpec(obj: KubeObject): AnalyzedVirtualService {
  const view = virtualServiceOf(obj);
  const routesOf = (rule: 'http' | 'tcp' | 'tls', rules: readonly RouteRule[]): AnalyzedRoute[][] =>
    rules.map(({ route }) => route.map(({ destination, weight }) => ({ rule, destination, weight })));
  const mirrors = view.http.flatMap(({ mirrors: list }) => list.map(({ field, destination }): AnalyzedRoute => ({
    rule: field === 'mirror' ? 'http.mirror' : 'http.mirrors', destination,
  })));
  return {
    hosts: view.hosts,
    gateways: view.gateways,
    exportTo: view.exportTo,
    routes: [...routesOf('tcp', view.tcp), ...routesOf('tls', view.tls), ...routesOf('http', view.http)],
    mirrors,
  };
}

/** The parts of a DestinationRule the analyzers read (an absent host is empty, as in Istio's API). */
export function destinationRuleSpec(obj: KubeObject): DestinationRuleView & { readonly host: string } {
  const view = destinationRuleOf(obj);
  return { ...view, host: view.host ?? '' };
}

/** The parts of a Gateway the analyzers read. */
export function gatewaySpec(obj: KubeObject): GatewayView {
  return gatewayOf(obj);
}

/** The parts of a Kubernetes Service the analyzers read. */
export function serviceSpec(obj: KubeObject): ServiceView {
  return serviceOf(obj);
}

/** The parts of a ServiceEntry the analyzers read. */
export function serviceEntrySpec(obj: KubeObject): ServiceEntryView {
  return serviceEntryOf(obj);
}

/** The pod template of a Deployment. */
export function podTemplate(obj: KubeObject): PodTemplateView {
  return podTemplateOf(obj);
}
