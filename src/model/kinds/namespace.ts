/** Kubernetes Namespace: only its metadata is read (labels such as `istio-injection`). */
import { KindModel } from '../kind';

export const NAMESPACE: KindModel = { kind: 'Namespace', group: '', fields: {} };
