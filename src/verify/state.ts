/**
 * One phase indexed for checking: Deployments by namespace and label, Services and DestinationRules by
 * host, and every destination that receives traffic. Building it is linear in the number of objects;
 * every lookup afterwards is by key. Objects are read through src/model; what one run reads of them is
 * remembered in a {@link StateCache} that lives as long as the run (one verification, one simulation).
 */
import { basename } from 'node:path';
import { appendTo, nested } from '../collections';
import { byIdentity, identityKey, KubeObject, receivesTraffic, selectorMatches } from '../manifest';
import {
  Destination, destinationRuleOf, gatewayName, isKind, isMeshBound, Labels, namespaceOf, podLabelsOf, sameObject, selectorOf, serviceFqdn, serviceHost, templateOf,
  virtualServiceOf, WORKLOAD_KINDS, workloadKey,
} from '../model';
import { PhaseManifest } from './phase';

/** A workload (Deployment or another kind with a pod template) and what routing needs to know about it. */
export interface DeploymentInfo {
  /** The object. */
  readonly object: KubeObject;
  /** `Kind namespace/name`: the key of {@link PhaseState.deployments} and the name findings use. */
  readonly key: string;
  /** Namespace (`default` when the YAML has none). */
  readonly namespace: string;
  /** Labels of the pod template: what Services and subsets select. */
  readonly podLabels: Labels;
  /** The pod template (compared with {@link sameTemplate}). */
  readonly template: unknown;
}

/** A Service, reachable through its cluster-local host. */
export interface ServiceInfo {
  /** The object. */
  readonly object: KubeObject;
  /** Namespace (`default` when the YAML has none). */
  readonly namespace: string;
  /** Pod selector; absent for a Service without selector (endpoints managed elsewhere, not checkable). */
  readonly selector?: Labels;
}

/** One subset of a DestinationRule. */
export interface SubsetInfo {
  /** Subset name. */
  readonly name: string;
  /** Labels the subset adds to the Service's selector. */
  readonly labels: Labels;
  /** The DestinationRule that defines it. */
  readonly destinationRule: KubeObject;
}

/** A DestinationRule indexed by its normalized host. */
export interface DestinationRuleInfo {
  /** The object. */
  readonly object: KubeObject;
  /** Namespace (`default` when the YAML has none). */
  readonly namespace: string;
  /** Namespaces it is exported to (`*` for all, `.` for its own). */
  readonly exportTo: readonly string[];
  /** Subsets by name (the first definition of a name wins, as in Istio). */
  readonly subsets: ReadonlyMap<string, SubsetInfo>;
}

/** Where a route line points: the unit the transition invariant is about. */
export interface RouteTarget {
  /** Identity of the route target: source object, host and subset (equal across phases for the same route). */
  readonly key: string;
  /** The VirtualService holding the route, or the Service itself for its implicit default route. */
  readonly source: KubeObject;
  /** Namespace the host was written in (the source's). */
  readonly namespace: string;
  /** Normalized host (`name.ns.svc.cluster.local` for cluster services). */
  readonly host: string;
  /** Subset name; absent means every endpoint of the host's Service. */
  readonly subset?: string;
}

/** A route list whose weights Istio would reject. */
export interface InvalidWeights {
  /** The VirtualService. */
  readonly source: KubeObject;
  /** Where in the spec, e.g. `http[0]`. */
  readonly where: string;
  /** Why it is invalid. */
  readonly reason: 'negative' | 'zero-total';
}

/** A phase with its objects indexed. */
export interface PhaseState extends ObjectIndex {
  /** The phase as given. */
  readonly phase: PhaseManifest;
  /** How findings name the phase: the last segment of its path (`01-prepare`). */
  readonly label: string;
}

/** The indexes of a phase's objects: everything of a PhaseState that does not depend on the phase's name or gates. */
export interface ObjectIndex {
  /** Identity of the object list within its {@link StateCache} (equal for phases that share their objects). */
  readonly objectsId: number;
  /** Workloads by `Kind namespace/name`. */
  readonly deployments: ReadonlyMap<string, DeploymentInfo>;
  /** Deployments by namespace, then by pod label key, then by its value. */
  readonly deploymentsByLabel: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, readonly DeploymentInfo[]>>>;
  /** Deployments by namespace. */
  readonly deploymentsByNamespace: ReadonlyMap<string, readonly DeploymentInfo[]>;
  /** Services by host. */
  readonly services: ReadonlyMap<string, ServiceInfo>;
  /** ConfigMaps and Secrets by `Kind namespace/name` (what pods read through references). */
  readonly configurations: ReadonlyMap<string, KubeObject>;
  /** Istio Gateways by `namespace/name` (how VirtualServices name them). */
  readonly gateways: ReadonlyMap<string, KubeObject>;
  /** DestinationRules by host. */
  readonly destinationRules: ReadonlyMap<string, readonly DestinationRuleInfo[]>;
  /** DestinationRules by identity. */
  readonly destinationRulesByIdentity: ReadonlyMap<string, DestinationRuleInfo>;
  /** Every destination that receives traffic (weight > 0, mirrors included), deduplicated. */
  readonly routed: readonly RouteTarget[];
  /** The same destinations by {@link RouteTarget.key}. */
  readonly routedByKey: ReadonlyMap<string, RouteTarget>;
  /** Route lists with weights Istio rejects. */
  readonly invalidWeights: readonly InvalidWeights[];
  /** Objects that appear more than once (the later copy). */
  readonly duplicates: readonly KubeObject[];
  /** Lookups remembered for this index: each phase takes part in several transitions, which ask the same. */
  readonly lookups: IndexLookups;
}

/** What lookups in one index remember (it lives and dies with the index). */
interface IndexLookups {
  /** Where each destination leads in this index. */
  readonly resolutions: Map<RouteTarget, Resolution>;
  /** Workloads of this index selected by Service and subset. */
  readonly backends: WeakMap<ServiceInfo, Map<SubsetInfo | undefined, readonly DeploymentInfo[]>>;
}

/**
 * What one run (a verification, a simulation) remembers of the objects it reads: phases share most objects
 * (rendered and parsed objects are shared and never mutated), so each object is read once, and a rollback
 * re-applies forward phases, whose object lists are then indexed once. Nothing outlives the run.
 */
export class StateCache {
  /** Indexes by object list. */
  private readonly indexes = new WeakMap<readonly KubeObject[], ObjectIndex>();
  /** What indexing needs of each object, which depends on the object alone (boxed: most objects have none). */
  private readonly facts = new WeakMap<KubeObject, { readonly facts: ObjectFacts }>();
  /** Routes by VirtualService. */
  private readonly routes = new WeakMap<KubeObject, VirtualServiceRoutes>();
  /** Implicit default routes by Service. */
  private readonly defaultRoutes = new WeakMap<ServiceInfo, RouteTarget>();
  /**
   * One string object per distinct text for the keys, hosts and label values of the indexes: each transition
   * looks them up by the thousand, and a Map that holds the very string looked up need not compare characters
   * (measured: verify of 1000 services 13% faster).
   */
  private readonly strings = new Map<string, string>();
  private nextObjectsId = 0;

  /** The index of an object list (built on first use). */
  indexOf(objects: readonly KubeObject[]): ObjectIndex {
    let index = this.indexes.get(objects);
    if (index === undefined) this.indexes.set(objects, (index = indexObjects(objects, this, this.nextObjectsId++)));
    return index;
  }

  /** What indexing needs of an object (read on first use). */
  factsOf(object: KubeObject): ObjectFacts {
    let entry = this.facts.get(object);
    if (entry === undefined) this.facts.set(object, (entry = { facts: readFacts(object, this) }));
    return entry.facts;
  }

  /** What a VirtualService contributes to any state that holds it (read on first use). */
  routesOf(vs: KubeObject): VirtualServiceRoutes {
    let routes = this.routes.get(vs);
    if (routes === undefined) this.routes.set(vs, (routes = readRoutes(vs, this)));
    return routes;
  }

  /** The implicit default route of a Service no mesh VirtualService covers. */
  defaultRouteOf(service: ServiceInfo, host: string): RouteTarget {
    let destination = this.defaultRoutes.get(service);
    if (destination === undefined) this.defaultRoutes.set(service, (destination = targetOf(service.object, host, undefined, this)));
    return destination;
  }

  /** The one string object for `text`. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** Labels or a selector with interned values: the label index looks them up for every Service and subset. */
  internLabels(labels: Labels): Labels {
    const interned: Record<string, string> = {};
    for (const key in labels) interned[key] = this.intern(labels[key]);
    return interned;
  }
}

/** Whether two workloads have the same pod template (a change means a rolling update); key order does not matter. */
export function sameTemplate(a: DeploymentInfo, b: DeploymentInfo): boolean {
  return sameObject(a.template, b.template);
}

/** Whether two label maps are equal. */
export function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let keys = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    keys++;
  }
  // Every key of a has its value in b: equal when b has no other key (counted without allocating: a hot path).
  for (const key in b) if (Object.hasOwn(b, key)) keys--;
  return keys === 0;
}

/** Indexes the objects of one phase (with what `cache` already read; a fresh cache when none is given). */
export function buildState(phase: PhaseManifest, cache = new StateCache()): PhaseState {
  return { phase, label: basename(phase.path) || phase.name, ...cache.indexOf(phase.objects) };
}

function indexObjects(objects: readonly KubeObject[], cache: StateCache, objectsId: number): ObjectIndex {
  const deployments = new Map<string, DeploymentInfo>();
  const deploymentsByLabel = new Map<string, Map<string, Map<string, DeploymentInfo[]>>>();
  const deploymentsByNamespace = new Map<string, DeploymentInfo[]>();
  const services = new Map<string, ServiceInfo>();
  const configurations = new Map<string, KubeObject>();
  const gateways = new Map<string, KubeObject>();
  const destinationRules = new Map<string, DestinationRuleInfo[]>();
  const destinationRulesByIdentity = new Map<string, DestinationRuleInfo>();
  const virtualServices: KubeObject[] = [];
  const duplicates: KubeObject[] = [];
  // Only a list with duplicates (rare: a finding) needs to tell the first copy from the others.
  const seen = byIdentity(objects).size === objects.length ? undefined : new Set<string>();

  for (const object of objects) {
    if (seen) {
      const identity = identityKey(object);
      if (seen.has(identity)) {
        duplicates.push(object);
        continue;
      }
      seen.add(identity);
    }
    const facts = cache.factsOf(object);
    switch (facts?.kind) {
      case 'workload': {
        const { info } = facts;
        deployments.set(info.key, info);
        appendTo(deploymentsByNamespace, info.namespace, info);
        const byLabel = nested(deploymentsByLabel, info.namespace);
        for (const key in info.podLabels) appendTo(nested(byLabel, key), info.podLabels[key], info);
        break;
      }
      case 'service':
        services.set(facts.host, facts.info);
        break;
      case 'destinationRule':
        appendTo(destinationRules, facts.host, facts.info);
        destinationRulesByIdentity.set(identityKey(object), facts.info);
        break;
      case 'virtualService':
        virtualServices.push(object);
        break;
      case 'configuration':
        configurations.set(facts.key, object);
        break;
      case 'gateway':
        gateways.set(facts.key, object);
        break;
    }
  }
  const { routed, routedByKey, invalidWeights } = collectRoutes(virtualServices, services, cache);
  return {
    objectsId,
    deployments,
    deploymentsByLabel,
    deploymentsByNamespace,
    services,
    configurations,
    gateways,
    destinationRules,
    destinationRulesByIdentity,
    routed,
    routedByKey,
    invalidWeights,
    duplicates,
    lookups: { resolutions: new Map(), backends: new WeakMap() },
  };
}

/** What indexing needs of one object, which depends on the object alone. */
type ObjectFacts =
  | { readonly kind: 'workload'; readonly info: DeploymentInfo }
  | { readonly kind: 'service'; readonly host: string; readonly info: ServiceInfo }
  | { readonly kind: 'destinationRule'; readonly host: string; readonly info: DestinationRuleInfo }
  | { readonly kind: 'virtualService' }
  | { readonly kind: 'configuration' | 'gateway'; readonly key: string }
  | undefined;

function readFacts(object: KubeObject, cache: StateCache): ObjectFacts {
  const namespace = cache.intern(namespaceOf(object));
  if (WORKLOAD_KINDS.has(object.kind)) {
    return {
      kind: 'workload',
      info: {
        object,
        key: cache.intern(workloadKey({ kind: object.kind, namespace, name: object.metadata.name })),
        namespace,
        podLabels: cache.internLabels(podLabelsOf(object)),
        template: templateOf(object),
      },
    };
  }
  switch (object.kind) {
    case 'Service': {
      const selector = selectorOf(object);
      return {
        kind: 'service',
        host: cache.intern(serviceFqdn(object.metadata.name, namespace)),
        info: { object, namespace, selector: Object.keys(selector).length > 0 ? cache.internLabels(selector) : undefined },
      };
    }
    case 'DestinationRule': {
      const rule = destinationRuleOf(object);
      if (rule.host === undefined) return undefined;
      const subsets = new Map<string, SubsetInfo>();
      for (const subset of rule.subsets) {
        if (subset.name !== '' && !subsets.has(subset.name)) {
          subsets.set(subset.name, { name: subset.name, labels: cache.internLabels(subset.labels), destinationRule: object });
        }
      }
      const exportTo = rule.exportTo.length > 0 ? rule.exportTo : ['*'];
      return { kind: 'destinationRule', host: cache.intern(serviceHost(rule.host, namespace)), info: { object, namespace, exportTo, subsets } };
    }
    case 'VirtualService':
      return { kind: 'virtualService' };
    case 'ConfigMap':
    case 'Secret':
      return { kind: 'configuration', key: cache.intern(workloadKey({ kind: object.kind, namespace, name: object.metadata.name })) };
    case 'Gateway':
      return isKind(object, 'Gateway') ? { kind: 'gateway', key: cache.intern(gatewayName(object.metadata.name, namespace)) } : undefined;
    default:
      return undefined;
  }
}

/** What one VirtualService contributes to any state that holds it. */
interface VirtualServiceRoutes {
  /** Hosts it serves for mesh traffic (normalized). */
  readonly meshHosts: readonly string[];
  /** Destinations its routes and mirrors send traffic to. */
  readonly destinations: readonly RouteTarget[];
  /** Its route lists with weights Istio rejects. */
  readonly invalidWeights: readonly InvalidWeights[];
}

function targetOf(source: KubeObject, host: string, subset: string | undefined, cache: StateCache): RouteTarget {
  const namespace = namespaceOf(source);
  const normalized = cache.intern(serviceHost(host, namespace));
  const key = cache.intern(`${identityKey(source)}|${normalized}|${subset ?? ''}`);
  return { key, source, namespace, host: normalized, subset };
}

function readRoutes(vs: KubeObject, cache: StateCache): VirtualServiceRoutes {
  const view = virtualServiceOf(vs);
  const namespace = namespaceOf(vs);
  const meshHosts: string[] = [];
  const destinations: RouteTarget[] = [];
  const invalidWeights: InvalidWeights[] = [];
  const add = (destination: Destination | undefined): void => {
    if (destination && destination.host !== '') destinations.push(targetOf(vs, destination.host, destination.subset || undefined, cache));
  };
  if (isMeshBound(view)) for (const host of view.hosts) meshHosts.push(cache.intern(serviceHost(host, namespace)));
  for (const protocol of ['http', 'tcp', 'tls'] as const) {
    view[protocol].forEach((rule, index) => {
      const where = `${protocol}[${index}]`;
      const { route } = rule;
      const weights = route.map((r) => r.weight ?? (route.length === 1 ? 100 : 0));
      if (weights.some((w) => w < 0)) invalidWeights.push({ source: vs, where, reason: 'negative' });
      else if (route.length > 1 && weights.every((w) => w === 0)) invalidWeights.push({ source: vs, where, reason: 'zero-total' });
      route.forEach((r, i) => {
        if (receivesTraffic(route, i)) add(r.destination);
      });
      for (const mirror of rule.mirrors) if (mirror.percentage !== 0) add(mirror.destination);
    });
  }
  return { meshHosts, destinations, invalidWeights };
}

/** Destinations of every route with traffic, plus the implicit default route of Services no mesh VirtualService covers. */
function collectRoutes(virtualServices: readonly KubeObject[], services: ReadonlyMap<string, ServiceInfo>, cache: StateCache) {
  const routed = new Map<string, RouteTarget>();
  const invalidWeights: InvalidWeights[] = [];
  const meshHosts = new Set<string>();
  for (const vs of virtualServices) {
    const routes = cache.routesOf(vs);
    for (const host of routes.meshHosts) meshHosts.add(host);
    for (const destination of routes.destinations) routed.set(destination.key, destination);
    invalidWeights.push(...routes.invalidWeights);
  }
  for (const [host, service] of services) {
    if (meshHosts.has(host)) continue;
    const destination = cache.defaultRouteOf(service, host);
    routed.set(destination.key, destination);
  }
  return { routed: [...routed.values()], routedByKey: routed, invalidWeights };
}

/**
 * Workloads of a namespace whose pod labels match a Service's selector and a subset's labels (contradicting
 * ones match nothing). Starts from the rarest label's index entry, so a lookup costs what it returns.
 */
function selectDeployments(state: PhaseState, namespace: string, selector: Labels, subsetLabels: Labels): DeploymentInfo[] {
  const byLabel = state.deploymentsByLabel.get(namespace);
  let candidates: readonly DeploymentInfo[] = state.deploymentsByNamespace.get(namespace) ?? [];
  for (const labels of [selector, subsetLabels]) {
    for (const key in labels) {
      const list = byLabel?.get(key)?.get(labels[key]) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
  }
  return candidates.filter((d) => selectorMatches(selector, d.podLabels) && selectorMatches(subsetLabels, d.podLabels));
}

function exportedTo(rule: DestinationRuleInfo, namespace: string): boolean {
  return rule.exportTo.some((to) => to === '*' || to === namespace || (to === '.' && rule.namespace === namespace));
}

/**
 * The DestinationRule that applies to a host for clients in a namespace: one in the client's namespace first,
 * then one in the host's namespace, then any other exported there (Istio's lookup order, root namespace aside).
 */
export function destinationRuleFor(state: PhaseState, host: string, clientNamespace: string): DestinationRuleInfo | undefined {
  const candidates = state.destinationRules.get(host);
  if (!candidates) return undefined;
  const serviceNamespace = state.services.get(host)?.namespace;
  return candidates.find((r) => r.namespace === clientNamespace)
    ?? candidates.find((r) => r.namespace === serviceNamespace && exportedTo(r, clientNamespace))
    ?? candidates.find((r) => exportedTo(r, clientNamespace));
}

/** Where a destination leads in one phase. */
export interface Resolution {
  /** The host's Service in the phase. */
  readonly service?: ServiceInfo;
  /** The named subset as the phase defines it. */
  readonly subset?: SubsetInfo;
}

/** The Service and subset a destination leads to in a phase (remembered by the phase's index). */
export function resolveIn(state: PhaseState, destination: RouteTarget): Resolution {
  const { resolutions } = state.lookups;
  let resolution = resolutions.get(destination);
  if (resolution === undefined) {
    resolution = { service: state.services.get(destination.host), subset: subsetFor(state, destination) };
    resolutions.set(destination, resolution);
  }
  return resolution;
}

/** The subset a destination names, as defined in this phase; undefined when the destination names none or it is not defined. */
export function subsetFor(state: PhaseState, destination: Pick<RouteTarget, 'host' | 'namespace' | 'subset'>): SubsetInfo | undefined {
  if (destination.subset === undefined) return undefined;
  return destinationRuleFor(state, destination.host, destination.namespace)?.subsets.get(destination.subset);
}

/**
 * Deployments a destination sends traffic to when the Service comes from one phase and the subset from another
 * (either can be applied first). Undefined when the host has no Service with a selector there (not checkable).
 */
export function backendsOf(destination: Pick<RouteTarget, 'subset'>, service: ServiceInfo | undefined, subset: SubsetInfo | undefined,
  deploymentsFrom: PhaseState): readonly DeploymentInfo[] | undefined {
  if (!service?.selector) return undefined;
  if (destination.subset !== undefined && !subset) return [];
  // Remembered per workload index, Service and subset: each transition and its rules ask the same again.
  const bySubset = nested(deploymentsFrom.lookups.backends, service);
  let selected = bySubset.get(subset);
  if (selected === undefined) {
    selected = selectDeployments(deploymentsFrom, service.namespace, service.selector, subset?.labels ?? {});
    bySubset.set(subset, selected);
  }
  return selected;
}
