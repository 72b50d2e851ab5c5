/**
 * virtualservice.ConflictingMeshGatewayHostsAnalyzer: two VirtualServices bound to the mesh gateway must
 * not define the same host in overlapping visibility, since sidecars then pick one of them arbitrarily.
 */
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { EXPORT_TO_ALL, exportScopes, hostMatches, MESH_GATEWAY, scopedFqdn, splitScopedFqdn } from '../hosts';
import { ConflictingMeshGatewayVirtualServiceHosts, Diagnostic, report } from '../messages';
import { fullName, namespaceOf } from '../model';
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
      if (spec.gateways.length > 0 && !spec.gateways.includes(MESH_GATEWAY)) continue;
      for (const scope of exportScopes(spec.exportTo, namespaceOf(vs))) {
        for (const host of spec.hosts) {
          const key = scopedFqdn(scope, namespaceOf(vs), host);
          byHost.set(key, [...(byHost.get(key) ?? []), vs]);
        }
      }
    }
    // Each VirtualService is reported once, for the first conflict found.
    const reported = new Set<KubeObject>();
    const diagnostics: Diagnostic[] = [];
    for (const [key, virtualServices] of byHost) {
      // A host exported to some namespaces also conflicts with the same host exported everywhere.
      const conflicting = splitScopedFqdn(key)[0] === EXPORT_TO_ALL ? virtualServices : [...virtualServices, ...exportedEverywhere(byHost, key)];
      if (conflicting.length < 2) continue;
      const names = conflicting.map(fullName).join(',');
      for (const vs of conflicting) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        diagnostics.push(report(ConflictingMeshGatewayVirtualServiceHosts, vs, names, key));
      }
    }
    return diagnostics;
  },
};

function exportedEverywhere(byHost: ReadonlyMap<string, readonly KubeObject[]>, scopedKey: string): KubeObject[] {
  const host = splitScopedFqdn(scopedKey)[1];
  return [...byHost].filter(([key]) => {
    const [scope, otherHost] = splitScopedFqdn(key);
    return scope === EXPORT_TO_ALL && hostMatches(host, otherHost);
  }).flatMap(([, virtualServices]) => virtualServices);
}
