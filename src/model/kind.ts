/** What the model knows of one kind: its name, its API group, and the types of the fields the project reads. */
import { Fields } from './fields';

/** One kind the project reads; each lives in its own file under kinds/ and is listed in kinds/index.ts. */
export interface KindModel {
  /** `kind` as objects write it, e.g. `Deployment`. */
  readonly kind: string;
  /** API group (`apps`, `networking.istio.io`; empty for the core group), which tells e.g. Istio's Gateway from the Gateway API's. */
  readonly group: string;
  /** Fields read under the object besides `metadata`, with their types (checked by {@link fieldProblem}). */
  readonly fields: Fields;
}
