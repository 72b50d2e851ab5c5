/** HorizontalPodAutoscaler: what scales a workload, and the replica bounds it keeps it within. */
import { KubeObject } from '../../manifest';
import { KindModel } from '../kind';
import { optionalNumber, optionalString, raw, specOf } from '../metadata';
import { namespaceOf, workloadKey } from '../names';

export const HORIZONTAL_POD_AUTOSCALER: KindModel = {
  kind: 'HorizontalPodAutoscaler',
  group: 'autoscaling',
  fields: {
    spec: { fields: { minReplicas: 'number', maxReplicas: 'number', scaleTargetRef: { fields: { apiVersion: 'string', kind: 'string', name: 'string' } } } },
  },
};

/** What an autoscaler says about the workload it scales. */
export interface AutoscalerView {
  /** The workload it scales (in its own namespace). */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string };
  /** `Kind namespace/name` of that workload: the key workloads are indexed by. */
  readonly targetKey: string;
  /** `spec.minReplicas` (Kubernetes' default: 1). */
  readonly minReplicas: number;
  /** `spec.maxReplicas` (required by the API server; 0 when absent). */
  readonly maxReplicas: number;
}

/** The autoscaler view of a HorizontalPodAutoscaler. */
export function autoscalerOf(object: KubeObject): AutoscalerView {
  const spec = specOf(object);
  const ref = raw(spec?.scaleTargetRef);
  const target = {
    apiVersion: optionalString(ref?.apiVersion) ?? 'apps/v1',
    kind: optionalString(ref?.kind) ?? '',
    namespace: namespaceOf(object),
    name: optionalString(ref?.name) ?? '',
  };
  return {
    target,
    targetKey: workloadKey(target),
    minReplicas: optionalNumber(spec?.minReplicas) ?? 1,
    maxReplicas: optionalNumber(spec?.maxReplicas) ?? 0,
  };
}
