/**
 * How Istio's analyzers resolve hosts (istio/istio pkg/config/analysis/analyzers/util/hosts.go,
 * service_lookup.go and pkg/config/host): short names, FQDNs, wildcards and exportTo visibility.
 */
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL, qualifyShortName, serviceNameOfHost } from '../model';
import { AnalysisContext, writtenNamespace } from './model';
import { annotationsOf, Labels, serviceEntrySpec, serviceSpec } from './resources';

export { EXPORT_TO_ALL, EXPORT_TO_LOCAL, hostMatches, MESH_GATEWAY } from '../model';

/** A host resolved by the registry: what a Service or ServiceEntry offers. */
export interface RegistryEntry {
  /** Port numbers the host exposes. */
  readonly ports: readonly number[];
  /** Labels of the workloads behind the host, for ServiceEntries that select workloads. */
  readonly workloadLabels: Labels;
}

/** Hosts visible per scope, keyed by `scope/fqdn` (scope: a namespace or `*`), in definition order. */
export type ServiceRegistry = ReadonlyMap<string, RegistryEntry>;

/** Istio's ConvertHostToFQDN, arguments in Istio's order: the model's qualifyShortName. */
export function toFqdn(namespace: string, host: string): string {
  return qualifyShortName(host, namespace);
}

/** Istio's ScopedFqdn: `scope/fqdn`. */
export function scopedFqdn(scope: string, namespace: string, host: string): string {
  return `${scope}/${toFqdn(namespace, host)}`;
}

/** Splits a ScopedFqdn into its scope and FQDN. */
export function splitScopedFqdn(scoped: string): [scope: string, fqdn: string] {
  const slash = scoped.indexOf('/');
  return [scoped.slice(0, slash), scoped.slice(slash + 1)];
}

/** The `namespace/name` a host refers to: parsed from a cluster FQDN, or a short name taken in the default namespace. */
export function fullNameFromHost(defaultNamespace: string, host: string): string {
  return serviceNameOfHost(host, defaultNamespace);
}

/** Istio's `host.NamesForNamespace`: hosts visible from a namespace, with `ns/` prefixes stripped. */
export function namesForNamespace(hosts: readonly string[], namespace: string): string[] {
  return hosts.flatMap((host) => {
    if (!host.includes('/')) return [host];
    const [hostNamespace, name] = host.split('/');
    return hostNamespace === namespace || hostNamespace === '*' ? [name] : [];
  });
}

/** True when an exportTo list makes a resource visible everywhere (empty, or containing `*`). */
function exportsToAll(exportTo: readonly string[]): boolean {
  return exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL);
}

/** The scopes an exportTo list stands for, with `.` resolved to the resource's namespace. */
export function exportScopes(exportTo: readonly string[], namespace: string): string[] {
  if (exportsToAll(exportTo)) return [EXPORT_TO_ALL];
  return [...new Set(exportTo.map((scope) => (scope === EXPORT_TO_LOCAL ? namespace : scope)))];
}

/** Istio's InitServiceEntryHostMap: every ServiceEntry host and Kubernetes Service, per visibility scope. */
export function serviceRegistry(context: AnalysisContext): ServiceRegistry {
  const registry = new Map<string, RegistryEntry>();
  for (const entry of context.ofKind('ServiceEntry')) {
    const spec = serviceEntrySpec(entry);
    const value = { ports: spec.ports, workloadLabels: spec.workloadLabels };
    for (const host of spec.hosts) {
      for (const scope of exportScopes(spec.exportTo, writtenNamespace(entry))) registry.set(scopedFqdn(scope, writtenNamespace(entry), host), value);
    }
  }
  for (const service of context.ofKind('Service')) {
    const value = { ports: serviceSpec(service).ports.map((port) => port.port), workloadLabels: {} };
    // A Service's visibility comes from its networking.istio.io/exportTo annotation (comma-separated).
    const annotation = annotationsOf(service)['networking.istio.io/exportTo'];
    const scopes = annotation ? exportScopes(annotation.split(','), writtenNamespace(service)) : [EXPORT_TO_ALL];
    for (const scope of scopes) registry.set(scopedFqdn(scope, writtenNamespace(service), service.metadata.name), value);
  }
  return registry;
}

/** Istio's GetDestinationHost: the registry entry a host resolves to from a namespace, honouring the referrer's exportTo. */
export function lookupHost(registry: ServiceRegistry, sourceNamespace: string, exportTo: readonly string[], host: string): RegistryEntry | undefined {
  const everywhere = registry.get(scopedFqdn(EXPORT_TO_ALL, sourceNamespace, host));
  if (everywhere) return everywhere;
  const scopes = exportTo.length === 0 ? [sourceNamespace] : exportTo.map((scope) => (scope === EXPORT_TO_LOCAL ? sourceNamespace : scope));
  for (const scope of scopes) {
    const scoped = registry.get(scopedFqdn(scope, sourceNamespace, host));
    if (scoped) return scoped;
  }
  // Wildcard registry hosts (`*.example.com`) visible from the source namespace, checked last as Istio does.
  const hostWithoutWildcard = host.startsWith('*') ? host.slice(1) : host;
  for (const [key, entry] of registry) {
    const [scope, registryHost] = splitScopedFqdn(key);
    if (!registryHost.startsWith('*') || (scope !== EXPORT_TO_ALL && scope !== sourceNamespace)) continue;
    if (hostWithoutWildcard.endsWith(registryHost.slice(1))) return entry;
  }
  return undefined;
}
