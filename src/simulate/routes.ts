/**
 * Reading VirtualServices the way a proxy applies them: which rule a request matches and where its route
 * sends it, with the model's host resolution and weight semantics (the verifier's).
 */
import { KubeObject, receivesTraffic } from '../manifest';
import {
  boundGateways as gatewaysOf, isMeshBound, namespaceOf, RouteDestination, serviceHost, uriMatches, virtualServiceOf, VirtualServiceView,
} from '../model';

/** One weighted destination of a route. */
export interface WeightedDestination {
  /** Normalized host. */
  readonly host: string;
  /** Subset name; absent means every endpoint of the host's Service. */
  readonly subset?: string;
  /** Relative weight (> 0). */
  readonly weight: number;
}

/** A VirtualService as the simulator reads it: read once when a proxy's view or a phase's targets are built. */
export interface RoutingRules {
  /** The object. */
  readonly object: KubeObject;
  /** Its namespace, where its short host names resolve. */
  readonly namespace: string;
  /** Its routes. */
  readonly view: VirtualServiceView;
}

/** The routing rules of a VirtualService object. */
export function routingRulesOf(object: KubeObject): RoutingRules {
  return { object, namespace: namespaceOf(object), view: virtualServiceOf(object) };
}

/** Mesh-bound VirtualServices by normalized host: for each host, the first of the list that names it. */
export function meshVirtualServicesByHost(virtualServices: readonly RoutingRules[]): Map<string, RoutingRules> {
  const byHost = new Map<string, RoutingRules>();
  for (const vs of virtualServices) {
    if (!isMeshBound(vs.view)) continue;
    for (const host of vs.view.hosts) {
      const normalized = serviceHost(host, vs.namespace);
      if (!byHost.has(normalized)) byHost.set(normalized, vs);
    }
  }
  return byHost;
}

/** Gateways a VirtualService binds to, as `namespace/name` (short names are in the VirtualService's namespace). */
export function boundGateways(vs: RoutingRules): string[] {
  return gatewaysOf(vs.view, vs.namespace);
}

/** The path a client uses to reach the first HTTP rule of a VirtualService (its first URI prefix or exact match, else `/`). */
export function pathOf(vs: RoutingRules): string {
  const uri = vs.view.http[0]?.matches[0];
  return uri?.prefix ?? uri?.exact ?? '/';
}

/** Destinations of a route list with weight > 0 (a sole destination gets all traffic); empty when the weights total 0. */
function weighted(vs: RoutingRules, route: readonly RouteDestination[]): WeightedDestination[] {
  return route.flatMap((entry, i) => {
    const host = entry.destination?.host;
    if (!receivesTraffic(route, i) || !host) return [];
    const weight = route.length === 1 ? 1 : entry.weight ?? 0;
    return [{ host: serviceHost(host, vs.namespace), subset: entry.destination?.subset || undefined, weight }];
  });
}

/**
 * The destinations of the first HTTP rule a request for `path` matches, or, for a VirtualService without HTTP
 * rules, of its first TCP rule (a TCP service's connections: the client's one port, whatever the path); undefined
 * when no rule matches (404 NR).
 */
export function routeFor(vs: RoutingRules, path: string): WeightedDestination[] | undefined {
  const rule = vs.view.http.length === 0 ? vs.view.tcp[0]
    : vs.view.http.find((r) => r.matches.length === 0 || r.matches.some((m) => uriMatches(m, path)));
  return rule ? weighted(vs, rule.route) : undefined;
}

/** Every destination any HTTP or TCP rule of a VirtualService sends traffic to, as `host|subset` keys. */
export function routedKeys(vs: RoutingRules | undefined): Set<string> {
  if (!vs) return new Set();
  return new Set([...vs.view.http, ...vs.view.tcp].flatMap((rule) => weighted(vs, rule.route)).map((d) => `${d.host}|${d.subset ?? ''}`));
}
