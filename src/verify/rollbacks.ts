/** The rollbacks of a plan as the verifier reads them: sequences of its forward phases, each step with its own gates. */
import { basename } from 'node:path';
import { PlanFile } from '../plan/plan-file';
import { PhaseManifest } from './types';

/** One rollback of plan.json as the verifier reads it. */
export interface RollbackSequence {
  /** Path of the phase it rolls back from. */
  readonly from: string;
  /** The forward phases its steps apply, in order, each named after its step and with the step's gates. */
  readonly phases: readonly PhaseManifest[];
}

/**
 * The rollbacks of `plan` over its forward `phases` (as synthesized or as loaded): a rollback has no
 * objects of its own, only steps that apply forward phase folders with their own gates.
 */
export function rollbackSequences(plan: PlanFile, phases: readonly PhaseManifest[]): RollbackSequence[] {
  const byPath = new Map(phases.map((phase) => [basename(phase.path), phase]));
  return Object.entries(plan.rollbacks ?? {}).map(([from, steps]) => ({
    from,
    phases: steps.map((step) => ({ ...byPath.get(step.path)!, name: step.name, gates: step.gates })),
  }));
}
