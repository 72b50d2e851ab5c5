/** Workloads: the kinds whose pod template makes the pods that Services and subsets select. */
import { KubeObject } from '../../manifest';
import { Fields } from '../fields';
import { KindModel } from '../kind';
import { Labels, listOf, optionalString, raw, specOf, stringMap } from '../metadata';

const FIELDS: Fields = { spec: { fields: { template: { fields: { metadata: { fields: { labels: 'labels' } } } } } } };

/** Deployment (synthesized plans use only these). */
export const DEPLOYMENT: KindModel = { kind: 'Deployment', group: 'apps', fields: FIELDS };
/** The other kinds with a pod template whose pods Services select. */
export const STATEFUL_SET: KindModel = { kind: 'StatefulSet', group: 'apps', fields: FIELDS };
export const DAEMON_SET: KindModel = { kind: 'DaemonSet', group: 'apps', fields: FIELDS };
export const REPLICA_SET: KindModel = { kind: 'ReplicaSet', group: 'apps', fields: FIELDS };

/** Kinds whose pod template makes pods (matched by kind name, whatever the apiVersion). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET].map((k) => k.kind));

/** The pod template of a workload, as its readers need it. */
export interface PodTemplateView {
  /** Labels of the pods: what Services and subsets select. */
  readonly labels: Labels;
  /** Annotations of the pods. */
  readonly annotations: Labels;
  /** Container names and images ('' when missing). */
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  /** The template as written (null when there is none): what a rolling update compares (with sameObject). */
  readonly raw: unknown;
}

/** The pod template of a workload as written (null when there is none). */
export function templateOf(object: KubeObject): unknown {
  return specOf(object)?.template ?? null;
}

/** Labels of the pods a workload makes (what the verifier indexes: the rest of the template is not read there). */
export function podLabelsOf(object: KubeObject): Labels {
  return stringMap(raw(raw(templateOf(object))?.metadata)?.labels);
}

/** The pod template of a workload object. */
export function podTemplateOf(object: KubeObject): PodTemplateView {
  const template = templateOf(object);
  const metadata = raw(raw(template)?.metadata);
  return {
    labels: stringMap(metadata?.labels),
    annotations: stringMap(metadata?.annotations),
    containers: listOf(raw(raw(template)?.spec)?.containers).map((container) => ({
      name: optionalString(raw(container)?.name) ?? '', image: optionalString(raw(container)?.image) ?? '',
    })),
    raw: template,
  };
}
