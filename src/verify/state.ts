/**
 * One phase indexed for checking: Deployments by namespace and label, Services and DestinationRules by
 * host, and every destination that receives traffic. Building it is linear in the number of objects;
 * every lookup afterwards is by key.
 */
import { basename } from 'node:path';
import { appendTo, nested } from '../collections';
import { byIdentity, identityKey, KubeObject, Labels, receivesTraffic, resourceName, selectorMatches } from '../manifest';
import { Phase } from './types';

export type { Labels };

/** Kinds whose pod template makes the pods that Services select (Deployments in synthesized plans). */
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

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
export interface Destination {
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
export interface PhaseState {
  /** The phase as given. */
  readonly phase: Phase;
  /** How findings name the phase: the last segment of its path (`01-prepare`). */
  readonly label: string;
  /** Workloads by `Kind namespace/name`. */
  readonly deployments: ReadonlyMap<string, DeploymentInfo>;
  /** Deployments by namespace, then by pod label key, then by its value. */
  readonly deploymentsByLabel: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, readonly DeploymentInfo[]>>>;
  /** Deployments by namespace. */
  readonly deploymentsByNamespace: ReadonlyMap<string, readonly DeploymentInfo[]>;
  /** Services by host. */
  readonly services: ReadonlyMap<string, ServiceInfo>;
  /** DestinationRules by host. */
  readonly destinationRules: ReadonlyMap<string, readonly DestinationRuleInfo[]>;
  /** Every destination that receives traffic (weight > 0, mirrors included), deduplicated. */
  readonly routed: readonly Destination[];
  /** The same destinations by {@link Destination.key}. */
  readonly routedByKey: ReadonlyMap<string, Destination>;
  /** Route lists with weights Istio rejects. */
  readonly invalidWeights: readonly InvalidWeights[];
  /** Objects that appear more than once (the later copy). */
  readonly duplicates: readonly KubeObject[];
}

const CLUSTER_SUFFIX = 'svc.cluster.local';

/**
 * One string object per distinct text for the keys, hosts and label values of the indexes: each transition
 * looks them up by the thousand, and a Map that holds the very string looked up need not compare characters
 * (measured: verify of 1000 services 13% faster). Only a speed-up: past MAX_CANONICAL_STRINGS it starts
 * over, so that a long-running process does not keep every string it ever verified.
 */
const canonicalStrings = new Map<string, string>();
const MAX_CANONICAL_STRINGS = 100_000;

function canonical(text: string): string {
  const known = canonicalStrings.get(text);
  if (known !== undefined) return known;
  if (canonicalStrings.size >= MAX_CANONICAL_STRINGS) canonicalStrings.clear();
  canonicalStrings.set(text, text);
  return text;
}

/** `Kind namespace/name` of a workload (namespace `default` when none is given): the key of {@link PhaseState.deployments}. */
export function workloadKey(ref: { readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return resourceName({ kind: ref.kind, namespace: ref.namespace ?? 'default', name: ref.name });
}

/** Namespace of an object; Kubernetes applies namespace-less YAML to `default` unless told otherwise. */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default';
}

/** Normalizes `foo`, `foo.ns`, `foo.ns.svc` and the FQDN to `foo.ns.svc.cluster.local`; other hosts stay as they are. */
export function normalizeHost(host: string, namespace: string): string {
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.${CLUSTER_SUFFIX}`;
  if (parts.length === 2) return `${host}.${CLUSTER_SUFFIX}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** Whether two workloads have the same pod template (a change means a rolling update); key order does not matter. */
export function sameTemplate(a: DeploymentInfo, b: DeploymentInfo): boolean {
  return deepEqual(a.template, b.template);
}

/** Structural equality of JSON-like values, ignoring key order and keys whose value is undefined. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => deepEqual(item, (b as unknown[])[i]));
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = Object.keys(x).filter((key) => x[key] !== undefined);
  return keys.length === Object.keys(y).filter((key) => y[key] !== undefined).length && keys.every((key) => deepEqual(x[key], y[key]));
}

/** Whether two label maps are equal. */
export function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let keys = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    keys++;
  }
  // Every key of a has its value in b: equal when b has no other key.
  for (const _key in b) keys--;
  return keys === 0;
}

/** Labels or a selector, with canonical values: the label index looks them up for every Service and subset. */
function stringMap(value: unknown): Labels {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, canonical(String(v))]));
}

/** Indexes the objects of one phase. */
export function buildState(phase: Phase): PhaseState {
  let index = indexCache.get(phase.objects);
  if (!index) {
    index = indexObjects(phase.objects);
    indexCache.set(phase.objects, index);
  }
  return { phase, label: basename(phase.path) || phase.name, ...index };
}

/** The indexes of a phase's objects, everything of a PhaseState that does not depend on the phase's name. */
type ObjectIndex = Omit<PhaseState, 'phase' | 'label'>;

/** Indexes by object list: a rollback re-applies forward phases, whose objects are then indexed once. */
const indexCache = new WeakMap<readonly KubeObject[], ObjectIndex>();

function indexObjects(objects: readonly KubeObject[]): ObjectIndex {
  const deployments = new Map<string, DeploymentInfo>();
  const deploymentsByLabel = new Map<string, Map<string, Map<string, DeploymentInfo[]>>>();
  const deploymentsByNamespace = new Map<string, DeploymentInfo[]>();
  const services = new Map<string, ServiceInfo>();
  const destinationRules = new Map<string, DestinationRuleInfo[]>();
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
    const facts = factsOf(object);
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
        break;
      case 'virtualService':
        virtualServices.push(object);
        break;
    }
  }
  const { routed, routedByKey, invalidWeights } = collectRoutes(virtualServices, services);
  return {
    deployments,
    deploymentsByLabel,
    deploymentsByNamespace,
    services,
    destinationRules,
    routed,
    routedByKey,
    invalidWeights,
    duplicates,
  };
}

/** What indexing needs of one object, which depends on the object alone. */
type ObjectFacts =
  | { readonly kind: 'workload'; readonly info: DeploymentInfo }
  | { readonly kind: 'service'; readonly host: string; readonly info: ServiceInfo }
  | { readonly kind: 'destinationRule'; readonly host: string; readonly info: DestinationRuleInfo }
  | { readonly kind: 'virtualService' }
  | undefined;

/**
 * Facts by object: phases share most objects (parsed and rendered objects are shared and never mutated),
 * so each object is read once, and its infos are the same objects in every phase (which lets lookups
 * that depend on them be remembered across transitions).
 */
const objectFacts = new WeakMap<KubeObject, { readonly facts: ObjectFacts }>();

function factsOf(object: KubeObject): ObjectFacts {
  let entry = objectFacts.get(object);
  if (entry === undefined) {
    entry = { facts: readFacts(object) };
    objectFacts.set(object, entry);
  }
  return entry.facts;
}

function readFacts(object: KubeObject): ObjectFacts {
  const namespace = canonical(namespaceOf(object));
  const spec = object.spec ?? {};
  if (WORKLOAD_KINDS.has(object.kind)) {
    return {
      kind: 'workload',
      info: {
        object,
        key: canonical(workloadKey({ kind: object.kind, namespace, name: object.metadata.name })),
        namespace,
        podLabels: stringMap(spec.template?.metadata?.labels),
        template: spec.template ?? null,
      },
    };
  }
  switch (object.kind) {
    case 'Service':
      return {
        kind: 'service',
        host: canonical(`${object.metadata.name}.${namespace}.${CLUSTER_SUFFIX}`),
        info: { object, namespace, selector: spec.selector && Object.keys(spec.selector).length > 0 ? stringMap(spec.selector) : undefined },
      };
    case 'DestinationRule': {
      if (typeof spec.host !== 'string') return undefined;
      const subsets = new Map<string, SubsetInfo>();
      for (const subset of Array.isArray(spec.subsets) ? spec.subsets : []) {
        if (typeof subset?.name === 'string' && !subsets.has(subset.name)) {
          subsets.set(subset.name, { name: subset.name, labels: stringMap(subset.labels), destinationRule: object });
        }
      }
      const exportTo = Array.isArray(spec.exportTo) && spec.exportTo.length > 0 ? spec.exportTo.map(String) : ['*'];
      return { kind: 'destinationRule', host: canonical(normalizeHost(spec.host, namespace)), info: { object, namespace, exportTo, subsets } };
    }
    case 'VirtualService':
      return { kind: 'virtualService' };
    default:
      return undefined;
  }
}

/** What one VirtualService contributes to any state that holds it. */
interface VirtualServiceRoutes {
  /** Hosts it serves for mesh traffic (normalized). */
  readonly meshHosts: readonly string[];
  /** Destinations its routes and mirrors send traffic to. */
  readonly destinations: readonly Destination[];
  /** Its route lists with weights Istio rejects. */
  readonly invalidWeights: readonly InvalidWeights[];
}

/** Routes by VirtualService, and default routes by Service: phases share most objects, each is read once. */
const virtualServiceRoutes = new WeakMap<KubeObject, VirtualServiceRoutes>();
const defaultRoutes = new WeakMap<ServiceInfo, Destination>();

function destinationOf(source: KubeObject, host: string, subset: unknown): Destination {
  const namespace = namespaceOf(source);
  const normalized = canonical(normalizeHost(host, namespace));
  const subsetName = typeof subset === 'string' && subset !== '' ? subset : undefined;
  const key = canonical(`${identityKey(source)}|${normalized}|${subsetName ?? ''}`);
  return { key, source, namespace, host: normalized, subset: subsetName };
}

function routesOf(vs: KubeObject): VirtualServiceRoutes {
  let routes = virtualServiceRoutes.get(vs);
  if (routes !== undefined) return routes;
  const spec = vs.spec ?? {};
  const namespace = namespaceOf(vs);
  const meshHosts: string[] = [];
  const destinations: Destination[] = [];
  const invalidWeights: InvalidWeights[] = [];
  const add = (host: unknown, subset: unknown): void => {
    if (typeof host === 'string') destinations.push(destinationOf(vs, host, subset));
  };
  const gateways: unknown[] = Array.isArray(spec.gateways) ? spec.gateways : [];
  if (gateways.length === 0 || gateways.includes('mesh')) {
    for (const host of Array.isArray(spec.hosts) ? spec.hosts : []) meshHosts.push(canonical(normalizeHost(String(host), namespace)));
  }
  for (const protocol of ['http', 'tcp', 'tls'] as const) {
    const rules: any[] = Array.isArray(spec[protocol]) ? spec[protocol] : [];
    rules.forEach((rule, index) => {
      const where = `${protocol}[${index}]`;
      const route: any[] = Array.isArray(rule?.route) ? rule.route : [];
      const weights = route.map((r) => (typeof r?.weight === 'number' ? r.weight : route.length === 1 ? 100 : 0));
      if (weights.some((w) => w < 0)) invalidWeights.push({ source: vs, where, reason: 'negative' });
      else if (route.length > 1 && weights.every((w) => w === 0)) invalidWeights.push({ source: vs, where, reason: 'zero-total' });
      route.forEach((r, i) => {
        if (receivesTraffic(route, i)) add(r?.destination?.host, r?.destination?.subset);
      });
      if (rule?.mirror && rule.mirrorPercentage?.value !== 0) add(rule.mirror.host, rule.mirror.subset);
      for (const mirror of Array.isArray(rule?.mirrors) ? rule.mirrors : []) {
        if (mirror?.percentage?.value !== 0) add(mirror?.destination?.host, mirror?.destination?.subset);
      }
    });
  }
  routes = { meshHosts, destinations, invalidWeights };
  virtualServiceRoutes.set(vs, routes);
  return routes;
}

/** Destinations of every route with traffic, plus the implicit default route of Services no mesh VirtualService covers. */
function collectRoutes(virtualServices: readonly KubeObject[], services: ReadonlyMap<string, ServiceInfo>) {
  const routed = new Map<string, Destination>();
  const invalidWeights: InvalidWeights[] = [];
  const meshHosts = new Set<string>();
  for (const vs of virtualServices) {
    const routes = routesOf(vs);
    for (const host of routes.meshHosts) meshHosts.add(host);
    for (const destination of routes.destinations) routed.set(destination.key, destination);
    invalidWeights.push(...routes.invalidWeights);
  }
  for (const [host, service] of services) {
    if (meshHosts.has(host)) continue;
    let destination = defaultRoutes.get(service);
    if (destination === undefined) defaultRoutes.set(service, (destination = destinationOf(service.object, host, undefined)));
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

/** Resolutions per phase index (shared by every state of an object list) and destination: each phase takes part in several transitions. */
const destinationResolutions = new WeakMap<ReadonlyMap<string, ServiceInfo>, Map<Destination, Resolution>>();

/** The Service and subset a destination leads to in a phase. */
export function resolveIn(state: PhaseState, destination: Destination): Resolution {
  const byDestination = nested(destinationResolutions, state.services);
  let resolution = byDestination.get(destination);
  if (resolution === undefined) {
    resolution = { service: state.services.get(destination.host), subset: subsetFor(state, destination) };
    byDestination.set(destination, resolution);
  }
  return resolution;
}

/** The subset a destination names, as defined in this phase; undefined when the destination names none or it is not defined. */
export function subsetFor(state: PhaseState, destination: Pick<Destination, 'host' | 'namespace' | 'subset'>): SubsetInfo | undefined {
  if (destination.subset === undefined) return undefined;
  return destinationRuleFor(state, destination.host, destination.namespace)?.subsets.get(destination.subset);
}

/**
 * Deployments a destination sends traffic to when the Service comes from one phase and the subset from another
 * (either can be applied first). Undefined when the host has no Service with a selector there (not checkable).
 */
export function backendsOf(destination: Pick<Destination, 'subset'>, service: ServiceInfo | undefined, subset: SubsetInfo | undefined,
  deploymentsFrom: PhaseState): readonly DeploymentInfo[] | undefined {
  if (!service?.selector) return undefined;
  if (destination.subset !== undefined && !subset) return [];
  // Remembered per workload index, Service and subset: each transition and its rules ask the same again.
  let byService = backends.get(deploymentsFrom.deployments);
  if (byService === undefined) backends.set(deploymentsFrom.deployments, (byService = new WeakMap()));
  const bySubset = nested(byService, service);
  let selected = bySubset.get(subset);
  if (selected === undefined) {
    selected = selectDeployments(deploymentsFrom, service.namespace, service.selector, subset?.labels ?? {});
    bySubset.set(subset, selected);
  }
  return selected;
}

/** Workloads selected by Service and subset, per workload index (a phase's, shared by every state of its objects). */
const backends = new WeakMap<ReadonlyMap<string, DeploymentInfo>, WeakMap<ServiceInfo, Map<SubsetInfo | undefined, readonly DeploymentInfo[]>>>();
