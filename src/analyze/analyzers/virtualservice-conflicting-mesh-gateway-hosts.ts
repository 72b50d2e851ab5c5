/**
 * virtualservice.ConflictingMeshGatewayHostsAnalyzer: two VirtualServices bound to the mesh gateway must
 * not define the same host in overlapping visibility, since sidecars then pick one of them arbitrarily.
 */
import { appendTo } from '../../collections';
import { KubeObject } from '../../manifest';
import { isMeshBound } from '../../model';
import { Analyzer } from '../analyzer';
import { EXPORT_TO_ALL, exportScopes, hostMatches, scopedFqdn, splitScopedFqdn } from '../hosts';
import { ConflictingMeshGatewayVirtualServiceHosts, Diagnostic, listing, report } from '../messages';
import { fullName, writtenNamespace } from '../model';
import { virtualServiceSpec } from '../resources';

export const conflictingMeshGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  kinds: ['VirtualService'],
  analyze(context) {
    // Mesh-bound VirtualServices per `scope/fqdn` of their hosts (scope: `*` or a namespace they are exported to).
    const byHost = new Map<string, KubeObject[]>();
    for (const vs of context.ofKind('VirtualService')) {
      const spec = virtualServiceSpec(vs);
      if (!isMeshBound(spec)) continue;
      for (const scope of exportScopes(spec.exportTo, writtenNamespace(vs))) {
        for (const host of spec.hosts) appendTo(byHost, scopedFqdn(scope, writtenNamespace(vs), host), vs);
      }
    }
    const exportedEverywhere = exportedEverywhereLookup(byHost);
    // Each VirtualService is reported once, for the first conflict found.
    const reported = new Set<KubeObject>();
    const diagnostics: Diagnostic[] = [];
    for (const [key, virtualServices] of byHost) {
      // A host exported to some namespaces also conflicts with the same host exported everywhere.
      const conflicting = splitScopedFqdn(key)[0] === EXPORT_TO_ALL ? virtualServices : [...virtualServices, ...exportedEverywhere(key)];
      if (conflicting.length < 2 || conflicting.every((vs) => reported.has(vs))) continue;
      // One list of names per conflict, shared by its messages (each names the first few of it).
      const names = conflicting.map(fullName);
      for (const vs of conflicting) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        diagnostics.push(listing(report(ConflictingMeshGatewayVirtualServiceHosts, vs, names, key), names));
      }
    }
    return diagnostics;
  },
};

/**
 * The VirtualServices of the hosts exported everywhere that match the host of a namespace-scoped key, in key order.
 * Equal hosts are looked up; only wildcards are compared one by one (wildcard keys, or every key for a wildcard
 * host), so that thousands of hosts stay linear.
 */
function exportedEverywhereLookup(byHost: ReadonlyMap<string, readonly KubeObject[]>): (scopedKey: string) => KubeObject[] {
  type Entry = { readonly host: string; readonly virtualServices: readonly KubeObject[]; readonly order: number };
  const everywhere: Entry[] = [];
  for (const [key, virtualServices] of byHost) {
    const [scope, host] = splitScopedFqdn(key);
    if (scope === EXPORT_TO_ALL) everywhere.push({ host, virtualServices, order: everywhere.length });
  }
  const byExactHost = new Map(everywhere.filter((entry) => !entry.host.startsWith('*')).map((entry) => [entry.host, entry]));
  const wildcards = everywhere.filter((entry) => entry.host.startsWith('*'));
  return (scopedKey) => {
    const host = splitScopedFqdn(scopedKey)[1];
    const exact = byExactHost.get(host);
    const matching = host.startsWith('*')
      ? everywhere.filter((entry) => hostMatches(host, entry.host))
      : [...(exact ? [exact] : []), ...wildcards.filter((entry) => hostMatches(host, entry.host))].sort((a, b) => a.order - b.order);
    return matching.flatMap((entry) => entry.virtualServices);
  };
}
