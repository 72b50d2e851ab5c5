/** virtualservice.GatewayAnalyzer: the gateways a VirtualService names must exist and expose at least one of its hosts. */
import { Analyzer } from '../analyzer';
import { hostMatches, MESH_GATEWAY, namesForNamespace } from '../hosts';
import { ReferencedResourceNotFound, report, VirtualServiceHostNotFoundInGateway } from '../messages';
import { AnalysisContext, fullName, writtenNamespace } from '../model';
import { gatewaySpec, virtualServiceSpec } from '../resources';

export const gatewayAnalyzer: Analyzer = {
  name: 'virtualservice.GatewayAnalyzer',
  description: 'Checks the gateways associated with each virtual service',
  kinds: ['Gateway', 'VirtualService'],
  analyze(context) {
    return context.ofKind('VirtualService').flatMap((vs) => {
      const spec = virtualServiceSpec(vs);
      return spec.gateways.filter((gateway) => gateway !== MESH_GATEWAY).flatMap((gateway) => {
        // `ns/name`, or a name in the VirtualService's namespace.
        const [namespace, name] = gateway.includes('/') ? gateway.split('/', 2) : [writtenNamespace(vs), gateway];
        const gatewayFullName = namespace ? `${namespace}/${name}` : name;
        return [
          ...(context.find('Gateway', namespace, name) ? [] : [report(ReferencedResourceNotFound, vs, 'gateway', gateway)]),
          ...(gatewayExposesAny(context, namespace, name, spec.hosts, writtenNamespace(vs))
            ? [] : [report(VirtualServiceHostNotFoundInGateway, vs, spec.hosts, fullName(vs), gatewayFullName)]),
        ];
      });
    });
  },
};

/** True when a host of the gateway, as seen from the VirtualService's namespace, matches one of the VirtualService's hosts. */
function gatewayExposesAny(context: AnalysisContext, namespace: string, name: string, vsHosts: readonly string[], vsNamespace: string): boolean {
  const gateway = context.find('Gateway', namespace, name);
  if (gateway === undefined) return false;
  const gatewayHosts = gatewaySpec(gateway).servers.flatMap((server) => resolveServerHosts(server.hosts, namespace));
  return namesForNamespace(gatewayHosts, vsNamespace).some((gatewayHost) => vsHosts.some((vsHost) => hostMatches(gatewayHost, vsHost)));
}

/** Istio's sanitizeServerHostNamespace: `./host` means the gateway's namespace, `*\/host` any namespace, `*\/*` everything. */
function resolveServerHosts(hosts: readonly string[], gatewayNamespace: string): string[] {
  if (hosts.includes('*/*')) return ['*'];
  return hosts.map((host) => {
    const [hostNamespace, name] = host.split('/');
    if (name === undefined) return host;
    if (hostNamespace === '.') return `${gatewayNamespace}/${name}`;
    return hostNamespace === '*' ? name : host;
  });
}
