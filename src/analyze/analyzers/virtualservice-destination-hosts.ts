/**
 * virtualservice.DestinationHostAnalyzer: route and mirror hosts must exist in the registry (Services and
 * ServiceEntries visible from the VirtualService), with a port the host exposes, and gateway routes that
 * omit a subset are pointed out when the mesh routes the same host by subsets.
 */
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { lookupHost, ServiceRegistry, serviceRegistry } from '../hosts';
import {
  Diagnostic, IngressRouteRulesNotAffected, ReferencedResourceNotFound, report, VirtualServiceDestinationPortSelectorRequired,
} from '../messages';
import { fullName, namespaceOf } from '../model';
import { Destination, virtualServiceSpec } from '../resources';

export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  kinds: ['ServiceEntry', 'VirtualService', 'Service'],
  analyze(context) {
    const registry = serviceRegistry(context);
    const virtualServices = context.ofKind('VirtualService');
    const routes = subsetRoutes(virtualServices);
    return virtualServices.flatMap((vs) => [...missingHosts(vs, registry), ...subsetsIgnoredOnIngress(vs, routes)]);
  },
};

function missingHosts(vs: KubeObject, registry: ServiceRegistry): Diagnostic[] {
  const spec = virtualServiceSpec(vs);
  const check = (refType: string, destination: Destination | undefined): Diagnostic[] => {
    const host = destination?.host ?? '';
    const entry = lookupHost(registry, namespaceOf(vs), spec.exportTo, host);
    if (entry === undefined) return [report(ReferencedResourceNotFound, vs, refType, host)];
    if (destination?.port === undefined) {
      // Without a port the destination is ambiguous only when the host exposes several.
      return entry.ports.length > 1 ? [report(VirtualServiceDestinationPortSelectorRequired, vs, host, entry.ports)] : [];
    }
    return entry.ports.includes(destination.port) ? [] : [report(ReferencedResourceNotFound, vs, 'host:port', `${host}:${destination.port}`)];
  };
  return [
    ...spec.routes.flat().flatMap((route) => check('host', route.destination)),
    ...spec.mirrors.flatMap((mirror) => check('mirror host', mirror.destination)),
  ];
}

/** A VirtualService's http route to a subset of one of its own hosts. */
interface SubsetRoute {
  readonly virtualService: KubeObject;
  readonly host: string;
}

/** The routes to subsets, once for all VirtualServices (every gateway-bound one is compared with them). */
function subsetRoutes(virtualServices: readonly KubeObject[]): SubsetRoute[] {
  return virtualServices.flatMap((virtualService) => {
    const hosts = virtualServiceSpec(virtualService).hosts;
    return httpDestinations(virtualService)
      .filter((destination) => destination.subset !== '' && hosts.includes(destination.host))
      .map((destination) => ({ virtualService, host: destination.host }));
  });
}

/**
 * A gateway-bound route without a subset, to a host that a VirtualService routes by subset: the subset
 * routing does not apply to requests coming through the ingress gateway (one message per such route).
 */
function subsetsIgnoredOnIngress(vs: KubeObject, routes: readonly SubsetRoute[]): Diagnostic[] {
  if (virtualServiceSpec(vs).gateways.length === 0) return [];
  return httpDestinations(vs).filter((destination) => destination.subset === '').flatMap((destination) =>
    routes.filter((route) => route.host === destination.host)
      .map((route) => report(IngressRouteRulesNotAffected, vs, fullName(route.virtualService), fullName(vs))));
}

/** The destinations of a VirtualService's http routes. */
function httpDestinations(vs: KubeObject): Destination[] {
  return virtualServiceSpec(vs).routes.flat()
    .flatMap((route) => (route.rule === 'http' && route.destination !== undefined ? [route.destination] : []));
}
