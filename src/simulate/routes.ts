/**
 * Reading VirtualServices the way a proxy applies them: which rule a request matches and where its route
 * sends it, with the verifier's host normalization and weight semantics.
 */
import { KubeObject, receivesTraffic } from '../manifest';
import { namespaceOf, normalizeHost } from '../verify/state';

/** One weighted destination of a route. */
export interface WeightedDestination {
  /** Normalized host. */
  readonly host: string;
  /** Subset name; absent means every endpoint of the host's Service. */
  readonly subset?: string;
  /** Relative weight (> 0). */
  readonly weight: number;
}

/** Whether a VirtualService applies to mesh traffic (no gateways, or `mesh` among them). */
function isMeshBound(vs: KubeObject): boolean {
  const gateways: unknown[] = Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/** Mesh-bound VirtualServices by normalized host: for each host, the first of the list that names it. */
export function meshVirtualServicesByHost(virtualServices: readonly KubeObject[]): Map<string, KubeObject> {
  const byHost = new Map<string, KubeObject>();
  for (const vs of virtualServices) {
    if (!isMeshBound(vs)) continue;
    for (const host of vs.spec?.hosts ?? []) {
      const normalized = normalizeHost(String(host), namespaceOf(vs));
      if (!byHost.has(normalized)) byHost.set(normalized, vs);
    }
  }
  return byHost;
}

/** Gateways a VirtualService binds to, as `namespace/name` (short names are in the VirtualService's namespace). */
export function boundGateways(vs: KubeObject): string[] {
  const gateways: unknown[] = Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : [];
  return gateways.filter((g): g is string => typeof g === 'string' && g !== 'mesh')
    .map((g) => (g.includes('/') ? g : `${namespaceOf(vs)}/${g}`));
}

function uriMatches(match: any, path: string): boolean {
  const uri = match?.uri;
  if (!uri) return true; // header and other conditions are not modelled: the client sends what they ask for
  if (typeof uri.exact === 'string') return path === uri.exact;
  if (typeof uri.prefix === 'string') return path.startsWith(uri.prefix);
  return true;
}

/** The path a client uses to reach the first HTTP rule of a VirtualService (its first URI prefix or exact match, else `/`). */
export function pathOf(vs: KubeObject): string {
  const uri = vs.spec?.http?.[0]?.match?.[0]?.uri;
  return typeof uri?.prefix === 'string' ? uri.prefix : typeof uri?.exact === 'string' ? uri.exact : '/';
}

/** Destinations of a route list with weight > 0 (a sole destination gets all traffic); empty when the weights total 0. */
function weighted(vs: KubeObject, route: unknown): WeightedDestination[] {
  const list: any[] = Array.isArray(route) ? route : [];
  const namespace = namespaceOf(vs);
  return list.flatMap((r, i) => {
    const host = r?.destination?.host;
    if (!receivesTraffic(list, i) || typeof host !== 'string') return [];
    const weight = list.length === 1 ? 1 : r.weight;
    const subset = typeof r.destination.subset === 'string' && r.destination.subset !== '' ? r.destination.subset : undefined;
    return [{ host: normalizeHost(host, namespace), subset, weight }];
  });
}

/** The destinations of the first HTTP rule a request for `path` matches; undefined when no rule matches (404 NR). */
export function routeFor(vs: KubeObject, path: string): WeightedDestination[] | undefined {
  const rules: any[] = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const rule = rules.find((r) => !Array.isArray(r?.match) || r.match.length === 0 || r.match.some((m: any) => uriMatches(m, path)));
  return rule ? weighted(vs, rule.route) : undefined;
}

/** Every destination any HTTP rule of a VirtualService sends traffic to, as `host|subset` keys. */
export function routedKeys(vs: KubeObject | undefined): Set<string> {
  const rules: any[] = Array.isArray(vs?.spec?.http) ? vs!.spec.http : [];
  return new Set(rules.flatMap((rule) => weighted(vs!, rule?.route)).map((d) => `${d.host}|${d.subset ?? ''}`));
}
