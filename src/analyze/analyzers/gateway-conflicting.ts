/**
 * gateway.ConflictingGatewayAnalyzer: two Gateways that select the same gateway pods must not share a port and a
 * matching host. "The same pods": the same selector, or (Istio's sub-selector rule) two selectors where the string
 * form of one contains the other's and some gateway pod has the labels of both.
 */
import { appendTo } from '../../collections';
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { hostMatches } from '../hosts';
import { ConflictingGateways, Diagnostic, listing, LISTED_OBJECTS, ReferencedResourceNotFound, report } from '../messages';
import { AnalysisContext, fullName, selectorMatches, selectorString } from '../model';
import { gatewaySpec, Labels } from '../resources';

/** The servers of all gateways on one `selector~port` key: gateway full name -> hosts of its (last) server there. */
type Listener = Map<string, readonly string[]>;

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  kinds: ['Gateway', 'Pod', 'Deployment'],
  analyze(context) {
    const gateways = context.ofKind('Gateway');
    const listeners = new Map<string, Listener>();
    for (const gateway of gateways) {
      const spec = gatewaySpec(gateway);
      for (const server of spec.servers) {
        const key = `${selectorString(spec.selector)}~${server.port ?? 0}`;
        listeners.set(key, (listeners.get(key) ?? new Map<string, readonly string[]>()).set(fullName(gateway), server.hosts));
      }
    }
    const sameWorkloads = sameWorkloadListeners(listeners, context);
    const conflictList = conflictLists();
    return gateways.flatMap((gateway) => conflicts(gateway, sameWorkloads, conflictList));
  },
};

/** Istio's parseFromGatewayMapKey: a key that does not split in two at `~` has neither selector nor port. */
function parseKey(key: string): [selector: string, port: string] {
  const parts = key.split('~');
  return parts.length === 2 ? [parts[0], parts[1]] : ['', ''];
}

/** Istio's parseSelectorFromString: `k=v` pairs separated by commas; anything else is dropped. */
function parseSelector(selector: string): Labels {
  const pairs = selector.split(',').map((pair) => pair.split('=')).filter((pair) => pair.length === 2);
  return Object.fromEntries(pairs.map(([key, value]) => [key, value]));
}

/**
 * For a gateway's selector, the listeners (key and servers) of the gateways that select the same pods, in key order.
 * The candidates come from the pods: those with the selector's labels, then the listeners whose selector those
 * pods have (each listener found through the rarest pair of its selector). Computed once per distinct selector
 * and per pod, so that thousands of gateways with distinct selectors stay linear.
 */
function sameWorkloadListeners(listeners: ReadonlyMap<string, Listener>, context: AnalysisContext): (selector: Labels) => [string, Listener][] {
  type Entry = { readonly key: string; readonly listener: Listener; readonly selector: string; readonly labels: Labels; readonly order: number };
  const entries: Entry[] = [...listeners].map(([key, listener], order) => {
    const selector = parseKey(key)[0];
    return { key, listener, selector, labels: parseSelector(selector), order };
  });
  const bySelector = new Map<string, Entry[]>();
  for (const entry of entries) appendTo(bySelector, entry.selector, entry);
  const pairsOf = (labels: Labels): string[] => Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  // Each listener is indexed under the pair of its selector that the fewest listeners share; an empty selector matches every pod.
  const pairCounts = new Map<string, number>();
  for (const entry of entries) for (const pair of pairsOf(entry.labels)) pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + 1);
  const byRarestPair = new Map<string, Entry[]>();
  const matchingEveryPod: Entry[] = [];
  for (const entry of entries) {
    const pairs = pairsOf(entry.labels);
    if (pairs.length === 0) matchingEveryPod.push(entry);
    else appendTo(byRarestPair, pairs.reduce((rarest, pair) => ((pairCounts.get(pair) ?? 0) < (pairCounts.get(rarest) ?? 0) ? pair : rarest)), entry);
  }
  const pods = context.workloads.map((workload) => workload.labels);
  const podsByPair = new Map<string, Labels[]>();
  for (const labels of pods) for (const pair of pairsOf(labels)) appendTo(podsByPair, pair, labels);
  /** The pods with a selector's labels, searched among the pods with the rarest of its pairs. */
  const podsSelectedBy = (selector: Labels): Labels[] => pairsOf(selector)
    .map((pair) => podsByPair.get(pair) ?? [])
    .reduce((fewest, list) => (list.length < fewest.length ? list : fewest), pods)
    .filter((labels) => selectorMatches(selector, labels));
  const listenersOfPod = new Map<Labels, Entry[]>();
  const listenersSelecting = (pod: Labels): Entry[] => {
    let found = listenersOfPod.get(pod);
    if (found === undefined) {
      found = [...matchingEveryPod, ...pairsOf(pod).flatMap((pair) => byRarestPair.get(pair) ?? [])].filter((entry) => selectorMatches(entry.labels, pod));
      listenersOfPod.set(pod, found);
    }
    return found;
  };
  const memo = new Map<string, [string, Listener][]>();
  return (labels) => {
    const selector = selectorString(labels);
    let same = memo.get(selector);
    if (same === undefined) {
      // Istio's rule: the same selector, or one selector's string form containing the other's with a pod of both.
      const found = new Set(bySelector.get(selector));
      for (const pod of podsSelectedBy(labels)) {
        for (const entry of listenersSelecting(pod)) {
          if (entry.selector.includes(selector) || selector.includes(entry.selector)) found.add(entry);
        }
      }
      same = [...found].sort((a, b) => a.order - b.order).map((entry) => [entry.key, entry.listener]);
      memo.set(selector, same);
    }
    return same;
  };
}

/**
 * For a server of a gateway, every (gateway, host of the server that matches one of its hosts) on the listeners of
 * the gateways that select the same pods, as sorted names: the gateway itself among them. Computed once per
 * selector, port and hosts, with the hosts of each listener indexed, so that thousands of gateways stay fast.
 */
function conflictLists(): (selector: string, same: readonly [string, Listener][], port: string, hosts: readonly string[]) => string[] {
  type HostIndex = { readonly exact: Map<string, Set<string>>; readonly wildcard: [string, readonly string[]][]; readonly all: [string, readonly string[]][] };
  const indexes = new Map<Listener, HostIndex>();
  const indexOf = (listener: Listener): HostIndex => {
    let index = indexes.get(listener);
    if (index === undefined) {
      index = { exact: new Map(), wildcard: [], all: [...listener] };
      for (const [name, hosts] of listener) {
        for (const host of hosts.filter((other) => !other.startsWith('*'))) index.exact.set(host, (index.exact.get(host) ?? new Set<string>()).add(name));
        if (hosts.some((host) => host.startsWith('*'))) index.wildcard.push([name, hosts]);
      }
      indexes.set(listener, index);
    }
    return index;
  };
  /** The gateways of a listener with a host that matches `host` (wildcards either side), each once. */
  const matching = (listener: Listener, host: string): string[] => {
    const index = indexOf(listener);
    if (host.startsWith('*')) return index.all.filter(([, hosts]) => hosts.some((other) => hostMatches(host, other))).map(([name]) => name);
    const names = new Set(index.exact.get(host));
    for (const [name, hosts] of index.wildcard) if (hosts.some((other) => hostMatches(host, other))) names.add(name);
    return [...names];
  };
  const memo = new Map<string, string[]>();
  return (selector, same, port, hosts) => {
    const key = [selector, port, ...hosts].join('\n');
    let list = memo.get(key);
    if (list === undefined) {
      list = same.filter(([listenerKey]) => parseKey(listenerKey)[1] === port)
        .flatMap(([, listener]) => hosts.flatMap((host) => matching(listener, host))).sort();
      memo.set(key, list);
    }
    return list;
  };
}

/** The index range [from, to) of `name` in a sorted list. */
function rangeOf(sorted: readonly string[], name: string): [from: number, to: number] {
  const bound = (above: (entry: string) => boolean): number => {
    let [low, high] = [0, sorted.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (above(sorted[middle])) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  return [bound((entry) => entry >= name), bound((entry) => entry > name)];
}

function conflicts(
  gateway: KubeObject,
  sameWorkloads: (selector: Labels) => [string, Listener][],
  conflictList: ReturnType<typeof conflictLists>,
): Diagnostic[] {
  const spec = gatewaySpec(gateway);
  const selector = selectorString(spec.selector);
  const same = sameWorkloads(spec.selector);
  if (selector !== '' && same.length === 0) return [report(ReferencedResourceNotFound, gateway, 'selector', selector)];
  const name = fullName(gateway);
  return spec.servers.flatMap((server) => {
    const port = String(server.port ?? 0);
    // The message names the other gateways: the shared list without this gateway's own entries.
    const all = conflictList(selector, same, port, server.hosts);
    const [from, to] = rangeOf(all, name);
    const count = all.length - (to - from);
    if (count === 0) return [];
    const first = [...all.slice(0, Math.min(from, LISTED_OBJECTS)), ...all.slice(to, to + LISTED_OBJECTS)].slice(0, LISTED_OBJECTS);
    return [listing(report(ConflictingGateways, gateway, first, count, selector, port, server.hosts), all, count)];
  });
}
