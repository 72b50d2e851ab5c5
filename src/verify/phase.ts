/** What the verifier checks: a phase, as synthesized or as read from a folder. */
import { KubeObject } from '../manifest';
import { PhaseGates } from '../plan/plan-file';

/** One complete desired state of an environment, as synthesized or as written by hand. */
export interface PhaseManifest {
  /** Phase name (baseline, prepare, canary-10, switch, cleanup, or any hand-written name). */
  readonly name: string;
  /** Folder of the phase (`NN-name`, possibly with parent folders); its last segment labels the phase in findings. */
  readonly path: string;
  /** Every object of the phase. */
  readonly objects: readonly KubeObject[];
  /** Gates from plan.json that hold after this phase; absent when there is no plan. */
  readonly gates?: PhaseGates;
}
