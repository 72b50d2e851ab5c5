/** gateway.ConflictingGatewayAnalyzer: two Gateways must not share a workload selector, a port and a matching host. */
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { hostMatches } from '../hosts';
import { ConflictingGateways, Diagnostic, ReferencedResourceNotFound, report } from '../messages';
import { fullName, selectorString } from '../model';
import { gatewaySpec } from '../resources';

export const conflictingGatewayAnalyzer: Analyzer = {
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  kinds: ['Gateway'],
  analyze(context) {
    const gateways = context.ofKind('Gateway');
    // `selector~port` -> gateway full name -> hosts of its (last) server on that port.
    const listeners = new Map<string, Map<string, readonly string[]>>();
    for (const gateway of gateways) {
      const spec = gatewaySpec(gateway);
      for (const server of spec.servers) {
        const key = listenerKey(selectorString(spec.selector), server.port);
        listeners.set(key, (listeners.get(key) ?? new Map()).set(fullName(gateway), server.hosts));
      }
    }
    return gateways.flatMap((gateway) => conflicts(gateway, listeners));
  },
};

function listenerKey(selector: string, port: number | undefined): string {
  return `${selector}~${port ?? 0}`;
}

function conflicts(gateway: KubeObject, listeners: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): Diagnostic[] {
  const spec = gatewaySpec(gateway);
  const selector = selectorString(spec.selector);
  // Istio's check that some gateway listens with this selector at all (a substring test on the keys).
  if (selector !== '' && ![...listeners.keys()].some((key) => key.includes(selector))) {
    return [report(ReferencedResourceNotFound, gateway, 'selector', selector)];
  }
  return spec.servers.flatMap((server) => {
    // One entry per (other gateway, matching host), as Istio lists them.
    const others = [...(listeners.get(listenerKey(selector, server.port)) ?? [])]
      .filter(([name]) => name !== fullName(gateway))
      .flatMap(([name, hosts]) => server.hosts.filter((host) => hosts.some((other) => hostMatches(host, other))).map(() => name));
    if (others.length === 0) return [];
    return [report(ConflictingGateways, gateway, others.join(','), selector, String(server.port ?? 0), server.hosts.join(','))];
  });
}
