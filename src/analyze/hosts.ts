/**
 * How Istio's analyzers resolve hosts (istio/istio pkg/config/analysis/analyzers/util/hosts.go,
 * service_lookup.go and pkg/config/host): short names, FQDNs, wildcards and exportTo visibility.
 */
import { AnalysisContext, namespaceOf } from './model';
import { annotationsOf, Labels, serviceEntrySpec, serviceSpec } from './resources';

/** exportTo value meaning "every namespace". */
export const EXPORT_TO_ALL = '*';
/** exportTo value meaning "the resource's own namespace". */
export const EXPORT_TO_LOCAL = '.';
/** The gateway name that stands for all sidecars of the mesh. */
export const MESH_GATEWAY = 'mesh';

const SERVICE_DOMAIN = 'svc.cluster.local';
const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** A host resolved by the registry: what a Service or ServiceEntry offers. */
export interface RegistryEntry {
  /** Port numbers the host exposes. */
  readonly ports: readonly number[];
  /** Labels of the workloads behind the host, for ServiceEntries that select workloads. */
  readonly workloadLabels: Labels;
}

/** Hosts visible per scope, keyed by `scope/fqdn` (scope: a namespace or `*`), in definition order. */
export type ServiceRegistry = ReadonlyMap<string, RegistryEntry>;

/** `reviews` in namespace `default` becomes `reviews.default.svc.cluster.local`; wildcards and dotted hosts stay. */
export function toFqdn(namespace: string, host: string): string {
  return host.startsWith('*') || host.includes('.') ? host : `${host}.${namespace}.${SERVICE_DOMAIN}`;
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
  const match = FQDN.exec(host);
  return match ? `${match[2]}/${match[1]}` : `${defaultNamespace}/${host}`;
}

/** Istio's `host.Name.Matches`: equality, or suffix matching when either side is a wildcard (`*.example.com`, `*`). */
export function hostMatches(a: string, b: string): boolean {
  const aWildcard = a.startsWith('*');
  const bWildcard = b.startsWith('*');
  if (aWildcard && bWildcard) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aWildcard) return b.endsWith(a.slice(1));
  if (bWildcard) return a.endsWith(b.slice(1));
  return a === b;
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
      for (const scope of exportScopes(spec.exportTo, namespaceOf(entry))) registry.set(scopedFqdn(scope, namespaceOf(entry), host), value);
    }
  }
  for (const service of context.ofKind('Service')) {
    const value = { ports: serviceSpec(service).ports.map((port) => port.port), workloadLabels: {} };
    // A Service's visibility comes from its networking.istio.io/exportTo annotation (comma-separated).
    const annotation = annotationsOf(service)['networking.istio.io/exportTo'];
    const scopes = annotation ? exportScopes(annotation.split(','), namespaceOf(service)) : [EXPORT_TO_ALL];
    for (const scope of scopes) registry.set(scopedFqdn(scope, namespaceOf(service), service.metadata.name), value);
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
