/**
 * How names are resolved, in one place: the namespace an object lands in, the host a short name stands
 * for, wildcard hosts, the gateways a VirtualService binds to. Every reader of the objects (verify,
 * simulate, plan, analyze) asks these functions rather than spelling the rule out again.
 */
import { KubeObject, resourceName } from '../manifest';

/** The namespace kubectl applies namespace-less YAML to (unless told otherwise). */
export const DEFAULT_NAMESPACE = 'default';
/** The DNS domain of cluster Services: `name.namespace.svc.cluster.local`. */
export const CLUSTER_DOMAIN = 'svc.cluster.local';
/** The gateway name that stands for every sidecar of the mesh. */
export const MESH_GATEWAY = 'mesh';
/** exportTo value meaning "every namespace". */
export const EXPORT_TO_ALL = '*';
/** exportTo value meaning "the resource's own namespace". */
export const EXPORT_TO_LOCAL = '.';

/** Kinds that live in no namespace (the built-in ones a manifest may hold): kubectl gives them none. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService', 'CertificateSigningRequest',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
]);

/**
 * The objects with `namespace` given to each namespaced one that has none, as kubectl (the context's
 * namespace) and istioctl analyze (its --namespace) place them; the others are returned as they are.
 */
export function withDefaultNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.map((object) => (object.metadata.namespace !== undefined || CLUSTER_SCOPED_KINDS.has(object.kind)
    ? object
    : { ...object, metadata: { ...object.metadata, namespace } }));
}

/** The namespace an object is applied to: its own, else {@link DEFAULT_NAMESPACE}. */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/**
 * The namespace as the YAML writes it, empty when it gives none: what istioctl's analyzers see in files,
 * and so what their messages name. Decisions about where an object lands use {@link namespaceOf}.
 */
export function writtenNamespace(object: KubeObject): string {
  return object.metadata.namespace ?? '';
}

/** `Kind namespace/name` of a workload, namespace {@link DEFAULT_NAMESPACE} when none is given: how verify and simulate key workloads. */
export function workloadKey(ref: { readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return resourceName({ kind: ref.kind, namespace: ref.namespace ?? DEFAULT_NAMESPACE, name: ref.name });
}

/** The cluster host of a Service: `name.namespace.svc.cluster.local`. */
export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.${CLUSTER_DOMAIN}`;
}

/**
 * Istio's ResolveShortnameToFQDN, as istiod reads hosts of VirtualServices and DestinationRules: a name
 * without a dot (`reviews`) is the Service of that name in `namespace`; wildcards and dotted names stay.
 */
export function qualifyShortName(host: string, namespace: string): string {
  return host.startsWith('*') || host.includes('.') ? host : serviceFqdn(host, namespace);
}

/**
 * The cluster host a client's name for a Service reaches through the pod's DNS search path: `foo`,
 * `foo.ns` and `foo.ns.svc` all become `foo.ns.svc.cluster.local` (`foo` in `namespace`); other hosts stay
 * as they are. The verifier and the simulator key Services and routes by this host.
 */
export function serviceHost(host: string, namespace: string): string {
  const parts = host.split('.');
  if (parts.length === 1) return serviceFqdn(host, namespace);
  if (parts.length === 2) return `${host}.${CLUSTER_DOMAIN}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

const CLUSTER_FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** The `namespace/name` of the Service a host refers to: parsed from a cluster FQDN, else the short name in `namespace`. */
export function serviceNameOfHost(host: string, namespace: string): string {
  const match = CLUSTER_FQDN.exec(host);
  return match ? `${match[2]}/${match[1]}` : `${namespace}/${host}`;
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

/** A gateway reference (`name` or `namespace/name`) as `namespace/name`; a short name is in `namespace` (the referrer's). */
export function gatewayName(reference: string, namespace: string): string {
  return reference.includes('/') ? reference : `${namespace}/${reference}`;
}
