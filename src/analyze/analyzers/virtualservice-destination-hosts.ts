/**
 * virtualservice.DestinationHostAnalyzer: route and mirror hosts must exist in the registry (Services and
 * ServiceEntries visible from the VirtualService), with a port the host exposes, and gateway routes that
 * omit a subset are pointed out when the mesh routes the same host by subsets.
 */
import { appendTo } from '../../collections';
import { KubeObject } from '../../manifest';
import { Analyzer } from '../analyzer';
import { lookupHost, ServiceRegistry, serviceRegistry } from '../hosts';
import {
  Diagnostic, IngressRouteRulesNotAffected, listing, LISTED_OBJECTS, ReferencedResourceNotFound, report, VirtualServiceDestinationPortSelectorRequired,
} from '../messages';
import { fullName, writtenNamespace } from '../model';
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
    const entry = lookupHost(registry, writtenNamespace(vs), spec.exportTo, host);
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

/**
 * For each host, the VirtualServices that route it by subset (one entry per such route, in input order): the
 * VirtualServices routing one of their own hosts to a subset of it, once for all VirtualServices.
 */
function subsetRoutes(virtualServices: readonly KubeObject[]): ReadonlyMap<string, readonly string[]> {
  const byHost = new Map<string, string[]>();
  for (const virtualService of virtualServices) {
    const hosts = virtualServiceSpec(virtualService).hosts;
    for (const destination of httpDestinations(virtualService)) {
      if (destination.subset !== '' && hosts.includes(destination.host)) appendTo(byHost, destination.host, fullName(virtualService));
    }
  }
  return byHost;
}

/**
 * A gateway-bound route without a subset, to a host that a VirtualService routes by subset: the subset routing
 * does not apply to requests coming through the ingress gateway. One message per such subset route, as Istio
 * reports them; beyond LISTED_OBJECTS of them, one message per gateway route that names the first ones.
 */
function subsetsIgnoredOnIngress(vs: KubeObject, routes: ReadonlyMap<string, readonly string[]>): Diagnostic[] {
  if (virtualServiceSpec(vs).gateways.length === 0) return [];
  return httpDestinations(vs).filter((destination) => destination.subset === '').flatMap((destination) => {
    const withSubsets = routes.get(destination.host) ?? [];
    if (withSubsets.length <= LISTED_OBJECTS) return withSubsets.map((name) => report(IngressRouteRulesNotAffected, vs, [name], fullName(vs)));
    return [listing(report(IngressRouteRulesNotAffected, vs, withSubsets, fullName(vs)), withSubsets)];
  });
}

/** The destinations of a VirtualService's http routes. */
function httpDestinations(vs: KubeObject): Destination[] {
  return virtualServiceSpec(vs).routes.flat()
    .flatMap((route) => (route.rule === 'http' && route.destination !== undefined ? [route.destination] : []));
}
