/**
 * gateway.ConflictingGatewayAnalyzer: two Gateways that select the same gateway pods must not share a port and a
 * matching host. "The same pods": the same selector, or (Istio's sub-selector rule) two selectors where the string
 * form of one contains the other's and some gateway pod has the labels of both.
 */
import { appendTo } from '../../collections';
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { hostMatches } from '../hosts';
import { ConflictingGateways, Diagnostic, ReferencedResourceNotFound, report } from '../messages';
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
    return gateways.flatMap((gateway) => conflicts(gateway, sameWorkloads));
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
 * Computed once per distinct selector, and the pods are looked up through their label pairs, so that thousands of
 * gateways and pods stay fast.
 */
function sameWorkloadListeners(listeners: ReadonlyMap<string, Listener>, context: AnalysisContext): (selector: Labels) => [string, Listener][] {
  const entries = [...listeners].map(([key, listener]) => {
    const [selector, port] = parseKey(key);
    return { key, listener, selector, labels: parseSelector(selector), port };
  });
  const pods = context.workloads.map((workload) => workload.labels);
  const podsByPair = new Map<string, Labels[]>();
  for (const labels of pods) for (const [key, value] of Object.entries(labels)) appendTo(podsByPair, `${key}=${value}`, labels);
  /** True when some pod has the labels of both selectors (searched among the pods with the rarest of their pairs). */
  const shareAPod = (a: Labels, b: Labels): boolean => {
    const candidates = [...Object.entries(a), ...Object.entries(b)]
      .map(([key, value]) => podsByPair.get(`${key}=${value}`) ?? [])
      .reduce((fewest, list) => (list.length < fewest.length ? list : fewest), pods);
    return candidates.some((labels) => selectorMatches(a, labels) && selectorMatches(b, labels));
  };
  const memo = new Map<string, [string, Listener][]>();
  return (labels) => {
    const selector = selectorString(labels);
    let same = memo.get(selector);
    if (same === undefined) {
      same = entries.filter((entry) => entry.selector === selector
        || ((entry.selector.includes(selector) || selector.includes(entry.selector)) && shareAPod(labels, entry.labels)))
        .map((entry) => [entry.key, entry.listener]);
      memo.set(selector, same);
    }
    return same;
  };
}

function conflicts(gateway: KubeObject, sameWorkloads: (selector: Labels) => [string, Listener][]): Diagnostic[] {
  const spec = gatewaySpec(gateway);
  const selector = selectorString(spec.selector);
  const same = sameWorkloads(spec.selector);
  if (selector !== '' && same.length === 0) return [report(ReferencedResourceNotFound, gateway, 'selector', selector)];
  const name = fullName(gateway);
  return spec.servers.flatMap((server) => {
    const port = String(server.port ?? 0);
    // One entry per (other gateway, host of this server that matches one of its hosts), as Istio lists them.
    const others = same.filter(([key]) => parseKey(key)[1] === port)
      .flatMap(([, listener]) => [...listener].filter(([other]) => other !== name)
        .flatMap(([other, hosts]) => server.hosts.filter((host) => hosts.some((otherHost) => hostMatches(host, otherHost))).map(() => other)))
      .sort();
    if (others.length === 0) return [];
    return [report(ConflictingGateways, gateway, others.join(','), selector, port, server.hosts.join(','))];
  });
}
