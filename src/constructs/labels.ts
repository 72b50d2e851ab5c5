/** Labels shared by the constructs: Istio's `app`/`version` convention and the managed-by marker. */

/**
 * Marks every object this toolkit writes: the synthesized objects, the Argo CD Applications and the resume
 * record that apply, rollback and apply.sh keep in the cluster. The one place its value is spelled.
 */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-phased-rollout' } as const;

export { versionLabels } from '../matrix/naming';
