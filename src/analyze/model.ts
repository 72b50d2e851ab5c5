/**
 * The state the analyzers read: the input objects indexed by kind, the workloads (pods) they
 * imply, and the defaults `istioctl analyze` assumes when it analyzes files.
 */
import { appendTo, nested } from '../collections';
import { identityKey, KubeObject } from '../manifest';
import { nodeNameOf, writtenNamespace } from '../model';
import { isKind, Kind, KIND_GROUPS, Labels, labelsOf, podTemplate } from './resources';

/** A workload instance that selectors can match: a Pod object, or a Deployment standing for its replicas. */
export interface Workload {
  /** The Pod or Deployment it comes from. */
  readonly source: KubeObject;
  /** Namespace of the pod (empty when the YAML gives none). */
  readonly namespace: string;
  /** Labels of the pod. */
  readonly labels: Labels;
  /** Node the pod is scheduled on, when the Pod object says so. */
  readonly nodeName?: string;
}

/**
 * What istioctl adds when it analyzes files (pkg/config/analysis/local/defaults.go): the default
 * ingress gateway's Pod and Service in istio-system, so that Gateways selecting `istio: ingressgateway`
 * are not reported just because the installation is not part of the input.
 */
const DEFAULT_INGRESS_GATEWAY: readonly KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'istio-ingressgateway-dummypod', namespace: 'istio-system', labels: { istio: 'ingressgateway' } },
    spec: { containers: [{ name: 'istio-proxy' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      selector: { istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 80, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 443, protocol: 'TCP' },
        { name: 'tcp', port: 31400, targetPort: 31400, protocol: 'TCP' },
        { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
      ],
    },
  },
];

/**
 * The namespace of an object as Istio's analyzers see it in files, empty when the YAML gives none: the
 * model's writtenNamespace (where an object lands is the model's namespaceOf, `default`).
 */
export { writtenNamespace } from '../model';

/** Istio's `FullName.String()`: `namespace/name`, or `name` without a namespace. */
export function fullName(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

export { selectorMatches } from '../manifest';

/** Kubernetes' string form of an equality selector: `k1=v1,k2=v2`, sorted by key. */
export function selectorString(selector: Labels): string {
  return Object.keys(selector).sort().map((key) => `${key}=${selector[key]}`).join(',');
}

/** Read-only view of one state for the analyzers. */
export class AnalysisContext {
  /** A context over the given objects plus istioctl's defaults for whatever the objects do not define themselves. */
  static of(objects: readonly KubeObject[]): AnalysisContext {
    const present = new Set(objects.map((obj) => identityKey(obj)));
    return new AnalysisContext([...objects, ...DEFAULT_INGRESS_GATEWAY.filter((obj) => !present.has(identityKey(obj)))]);
  }

  /** Every workload: Pod objects as they are, and one per Deployment with its pod template's labels. */
  readonly workloads: readonly Workload[];
  /** The objects of each kind the analyzers read, in input order (built once: analyzers look up per object). */
  private readonly byKind = new Map<Kind, KubeObject[]>();
  /** The same by kind, then namespace (as written: values are compared as they are, like `===`). */
  private readonly byNamespace = new Map<Kind, Map<string, KubeObject[]>>();
  /** The first object of each kind, namespace and name. */
  private readonly byName = new Map<Kind, Map<string, Map<string, KubeObject>>>();

  private constructor(objects: readonly KubeObject[]) {
    for (const obj of objects) {
      const kind = obj.kind as Kind;
      if (!Object.hasOwn(KIND_GROUPS, kind) || !isKind(obj, kind)) continue;
      const namespace = writtenNamespace(obj);
      appendTo(this.byKind, kind, obj);
      appendTo(nested(this.byNamespace, kind), namespace, obj);
      const names = nested(nested(this.byName, kind), namespace);
      if (!names.has(obj.metadata.name)) names.set(obj.metadata.name, obj);
    }
    const pods = this.ofKind('Pod').map((pod) => ({
      source: pod,
      namespace: writtenNamespace(pod),
      labels: labelsOf(pod),
      nodeName: nodeNameOf(pod),
    }));
    const deployments = this.ofKind('Deployment').map((deployment) => ({
      source: deployment,
      namespace: writtenNamespace(deployment),
      labels: podTemplate(deployment).labels,
    }));
    this.workloads = [...pods, ...deployments];
  }

  /** The objects of one kind (in one namespace, '' for none, when given), in input order. */
  ofKind(kind: Kind, namespace?: string): KubeObject[] {
    return [...((namespace === undefined ? this.byKind.get(kind) : this.byNamespace.get(kind)?.get(namespace)) ?? [])];
  }

  /** The object of a kind with this namespace ('' for none) and name, if any (the first one). */
  find(kind: Kind, namespace: string, name: string): KubeObject | undefined {
    return this.byName.get(kind)?.get(namespace)?.get(name);
  }
}
