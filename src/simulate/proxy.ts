/**
 * One Envoy proxy's view of the mesh: the config objects and endpoints it has received so far (each at its own
 * time: eventual consistency), and how it answers a request with that view. Lookups are cached until the view
 * changes, so a request costs a few map reads.
 */
import { KubeObject, selectorMatches } from '../manifest';
import { namespaceOf } from '../model';
import { buildState, destinationRuleFor, PhaseState, StateCache } from '../verify/state';
import { Pod } from './pods';
import { boundGateways, meshVirtualServicesByHost, routeFor, RoutingRules, routingRulesOf, WeightedDestination } from './routes';

/** The proxies traffic goes through: the client's sidecar (mesh VirtualServices) and the ingress gateway. */
export type ProxyKind = 'sidecar' | 'gateway';

/** Kinds istiod pushes to proxies. */
export const CONFIG_KINDS: ReadonlySet<string> = new Set(['VirtualService', 'DestinationRule', 'Service', 'Gateway']);

/** Where the client sends requests: a host and path through one proxy. */
export interface Target {
  /** `via host path`, unique. */
  readonly key: string;
  /** The proxy the request enters. */
  readonly via: ProxyKind;
  /** Mesh: the Service's normalized host; gateway: the host as the gateway-bound VirtualService lists it. */
  readonly host: string;
  /** Request path. */
  readonly path: string;
}

/** A failed request's status and Envoy response flag, e.g. `503 NR`. */
export type FailureCode = '404 NR' | '503 NR' | '503 NC' | '503 UH' | '503 UC' | '503 UF';

interface RoutingIndex {
  readonly state: PhaseState;
  /** Mesh VirtualServices by normalized host (the first by identity wins, as in Istio's oldest-first merge). */
  readonly mesh: ReadonlyMap<string, RoutingRules>;
  /** VirtualServices bound to a Gateway this proxy knows, by identity order. */
  readonly gateway: readonly RoutingRules[];
  /** Resolved routes by target key, filled on first use. */
  readonly routes: Map<string, ResolvedRoute | FailureCode>;
}

/** Where a target's requests go: weighted destinations, looked up from the namespace of the route's source. */
interface ResolvedRoute {
  readonly destinations: readonly WeightedDestination[];
  readonly clientNamespace: string;
}

function resolveRoute(index: RoutingIndex, target: Target): ResolvedRoute | FailureCode {
  let vs: RoutingRules | undefined;
  if (target.via === 'sidecar') {
    vs = index.mesh.get(target.host);
  } else {
    vs = index.gateway.find((g) => g.view.hosts.some((h) => h === '*' || h === target.host)
      && routeFor(g, target.path) !== undefined);
    if (!vs) return '404 NR';
  }
  // Without a mesh VirtualService, traffic goes to every endpoint of the Service (Istio's default route).
  const destinations = vs ? routeFor(vs, target.path) : [{ host: target.host, weight: 1 }];
  if (!destinations) return '404 NR';
  if (destinations.length === 0) return '503 NR';
  return { destinations, clientNamespace: vs ? vs.namespace : index.state.services.get(target.host)?.namespace ?? '' };
}

/** One proxy's eventually consistent view. */
export class ProxyView {
  private readonly configs = new Map<string, KubeObject>();
  private readonly endpoints = new Map<number, Pod>();
  private readonly receivedUntil = new Map<string, number>();
  private index?: RoutingIndex;
  private readonly clusters = new Map<string, readonly Pod[] | FailureCode>();
  private readonly turns = new Map<string, number>();

  /**
   * @param kind which proxy this is
   * @param cache what the simulation has read of the objects (a proxy's view rebuilds its index at every change)
   */
  constructor(public readonly kind: ProxyKind, private readonly cache: StateCache) {}

  /**
   * When a change to `key` (a config identity or a pod) that istiod sends to arrive at `at` is received: never
   * before an earlier change to the same key (one ordered xDS stream per proxy).
   */
  receiveTime(key: string, at: number): number {
    const time = Math.max(at, this.receivedUntil.get(key) ?? -Infinity);
    this.receivedUntil.set(key, time);
    return time;
  }

  /** Receives a config object's new version, or its deletion (undefined). */
  receiveConfig(identity: string, object: KubeObject | undefined): void {
    if (object) this.configs.set(identity, object);
    else this.configs.delete(identity);
    this.index = undefined;
    this.clusters.clear();
  }

  /** Learns that a pod is a ready endpoint, or no longer one. */
  receiveEndpoint(pod: Pod, ready: boolean): void {
    if (ready) this.endpoints.set(pod.id, pod);
    else this.endpoints.delete(pod.id);
    this.clusters.clear();
  }

  /** The pod a request for `target` goes to, or why the proxy fails it. */
  route(target: Target, random: () => number): Pod | FailureCode {
    const index = this.routingIndex();
    let route = index.routes.get(target.key);
    if (route === undefined) {
      route = resolveRoute(index, target);
      index.routes.set(target.key, route);
    }
    if (typeof route === 'string') return route;
    const destination = pick(route.destinations, random);
    const key = `${destination.host}|${destination.subset ?? ''}|${route.clientNamespace}`;
    let cluster = this.clusters.get(key);
    if (cluster === undefined) {
      cluster = this.resolveCluster(index.state, destination, route.clientNamespace);
      this.clusters.set(key, cluster);
    }
    if (typeof cluster === 'string') return cluster;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return cluster[turn % cluster.length]; // round robin
  }

  private routingIndex(): RoutingIndex {
    if (this.index) return this.index;
    const objects = [...this.configs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
    const state = buildState({ name: this.kind, path: this.kind, objects }, this.cache);
    const gateways = new Set(objects.filter((o) => o.kind === 'Gateway').map((o) => `${namespaceOf(o)}/${o.metadata.name}`));
    const virtualServices = objects.filter((o) => o.kind === 'VirtualService').map(routingRulesOf);
    const mesh = meshVirtualServicesByHost(virtualServices);
    const gateway = virtualServices.filter((vs) => boundGateways(vs).some((g) => gateways.has(g)));
    this.index = { state, mesh, gateway, routes: new Map() };
    return this.index;
  }

  private resolveCluster(state: PhaseState, destination: WeightedDestination, clientNamespace: string): readonly Pod[] | FailureCode {
    const service = state.services.get(destination.host);
    if (!service) return '503 NC';
    let subsetLabels = {};
    if (destination.subset !== undefined) {
      const subset = destinationRuleFor(state, destination.host, clientNamespace)?.subsets.get(destination.subset);
      if (!subset) return '503 NR';
      subsetLabels = subset.labels;
    }
    const selector = service.selector;
    const pods = selector === undefined ? [] : [...this.endpoints.values()]
      .filter((p) => p.namespace === service.namespace && selectorMatches(selector, p.labels) && selectorMatches(subsetLabels, p.labels))
      .sort((a, b) => a.id - b.id);
    return pods.length > 0 ? pods : '503 UH';
  }
}

function pick(destinations: readonly WeightedDestination[], random: () => number): WeightedDestination {
  if (destinations.length === 1) return destinations[0];
  let remaining = random() * destinations.reduce((sum, d) => sum + d.weight, 0);
  for (const destination of destinations) {
    remaining -= destination.weight;
    if (remaining < 0) return destination;
  }
  return destinations[destinations.length - 1];
}
