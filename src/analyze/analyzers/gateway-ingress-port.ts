/** gateway.IngressGatewayPortAnalyzer: a Gateway must select workloads, and a Service of those workloads must offer each server port. */
import { Analyzer } from '../analyzer';
import { GatewayPortNotDefinedOnService, ReferencedResourceNotFound, report } from '../messages';
import { selectorMatches, selectorString, writtenNamespace } from '../model';
import { gatewaySpec, serviceSpec } from '../resources';

export const ingressGatewayPortAnalyzer: Analyzer = {
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  kinds: ['Gateway', 'Pod', 'Service', 'Deployment'],
  analyze(context) {
    const services = context.ofKind('Service').map((service) => ({ namespace: writtenNamespace(service), spec: serviceSpec(service) }));
    return context.ofKind('Gateway').flatMap((gateway) => {
      const spec = gatewaySpec(gateway);
      const selector = selectorString(spec.selector);
      const workloads = context.workloads.filter((workload) => selectorMatches(spec.selector, workload.labels));
      if (workloads.length === 0) return [report(ReferencedResourceNotFound, gateway, 'selector', selector)];
      // TCP ports of the Services (in the workload's namespace) that select a gateway workload. Istiod translates a
      // server port equal to a Service port into that port's targetPort, so both numbers count.
      const offered = new Set(workloads.flatMap((workload) => services
        .filter((service) => service.namespace === workload.namespace && selectorMatches(service.spec.selector, workload.labels))
        .flatMap((service) => service.spec.ports.filter((port) => port.protocol === 'TCP'))
        .flatMap((port) => (typeof port.targetPort === 'number' && port.targetPort !== 0 ? [port.port, port.targetPort] : [port.port]))));
      return spec.servers.filter((server) => server.port !== undefined && !offered.has(server.port))
        .map((server) => report(GatewayPortNotDefinedOnService, gateway, server.port ?? 0, selector));
    });
  },
};
