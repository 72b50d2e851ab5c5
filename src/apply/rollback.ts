/**
 * `phased-rollout rollback` with the apply engine: the steps of plan.json's rollback from the phase the
 * cluster record names (or the one given), each applying a forward phase folder; resumed when the
 * record is that rollback's own.
 */
import { InputError } from '../manifest';
import { rollbackTitle } from '../plan/rollback';
import { ApplyFailure, decideStart, readRecord, runSequence, RunSequence } from './engine';
import { findPhase, PlanDirectory, readPlanDirectory } from './plan-dir';
import { ResumeRecord } from './record';
import { withLock } from './lock';
import { ApplyRuntime, ClusterSession, SessionOptions } from './session';
import { planSteps } from './steps';

/** What to roll back. */
export interface RollbackOptions extends SessionOptions {
  /** The environment folder (`dist/production`). */
  readonly dir: string;
  /** Forward phase the cluster is at (folder or name); default: from the cluster record. */
  readonly from?: string;
  /** The command that resumes the rollback from a phase (printed on failure). */
  readonly resumeCommand: (from: string) => string;
  /** Delete the environment's lock left by another run (a killed one) before taking it; default false. */
  readonly takeOverLock?: boolean;
}

/**
 * Identity recorded by the rollback from `from`: derived from the plan's, so that a rollback's record
 * is never taken for the forward plan's progress (nor for another rollback's).
 */
export function rollbackIdentity(planIdentity: string, from: string): string {
  return `${planIdentity}/rollback/${from}`;
}

/** The rollback of a plan folder from phase `from` as a run. */
export function rollbackSequence(planDir: PlanDirectory, from: string): RunSequence {
  const steps = planSteps(planDir.plan).rollbacks.get(from);
  if (!steps) throw new InputError(`${planDir.dir}/plan.json: no rollback from ${from} (a hand-written plan.json without rollbacks: synthesize the environment to get them)`);
  return {
    title: rollbackTitle(planDir.plan.environment, from),
    identity: rollbackIdentity(planDir.identity, from),
    unit: 'step',
    steps,
    startsFrom: from,
  };
}

/** Rolls the environment back to its baseline from the recorded (or given) phase. */
export async function rollback(options: RollbackOptions, runtime: ApplyRuntime): Promise<void> {
  const planDir = readPlanDirectory(options.dir);
  const { plan } = planDir;
  const session = new ClusterSession(runtime, options);
  // A mistyped --from is a usage error before anything asks the cluster.
  const given = options.from === undefined ? undefined : findPhase(plan, options.from, '--from').path;
  await withLock(session, plan, { takeOver: options.takeOverLock, command: 'phased-rollout rollback' }, runtime.print,
    () => rollbackHoldingLock(planDir, given, session, options, runtime));
}

/**
 * A rollback starts from what the cluster holds: a `--from` that contradicts this plan's record (or the
 * record of one of its rollbacks) is refused, naming the phase the record says the environment is at.
 * Rolling back from an earlier phase than the cluster holds would route traffic to a version that a
 * later phase removed (it is re-created, not ready). A record of another plan says nothing about it.
 */
export function checkFromAgreesWithRecord(planDir: PlanDirectory, from: string, record: Omit<ResumeRecord, 'title'> | undefined): void {
  if (!record) return;
  const { plan, identity } = planDir;
  const contradicts = (shows: string, then: string) =>
    new ApplyFailure(`${plan.environment}: --from ${from} contradicts the cluster record, which shows ${shows}: ${then}`);
  const choose = (at: string) => `the environment is at ${at}; roll back with --from ${at}, or without --from`;
  if (record.plan === identity) {
    const at = record.applying || record.completed;
    if (at === '' || at === from) return;
    throw contradicts(record.applying ? `${record.applying} applied (its gates not passed)` : `${record.completed} completed`, choose(at));
  }
  const own = plan.phases.find((phase) => rollbackIdentity(identity, phase.path) === record.plan);
  if (own === undefined || own.path === from) return;
  if (record.finished) {
    throw contradicts(`the rollback from ${own.path} finished`, `the environment is at the baseline (${plan.phases[0].path}); nothing to roll back`);
  }
  const where = record.applying ? `while applying ${record.applying}` : `after ${record.completed || 'no step'}`;
  throw contradicts(`the rollback from ${own.path} stopped ${where}`, choose(own.path));
}

/** {@link rollback} once the lock is held. */
async function rollbackHoldingLock(planDir: PlanDirectory, given: string | undefined, session: ClusterSession, options: RollbackOptions, runtime: ApplyRuntime): Promise<void> {
  const { plan } = planDir;
  const record = await readRecord(session, plan);

  let from: string;
  if (given !== undefined) {
    checkFromAgreesWithRecord(planDir, given, record);
    from = given;
  } else if (!record) {
    throw new ApplyFailure(`${plan.environment}: the cluster has no phased-rollout record: pass --from PHASE, the phase the environment is at`);
  } else if (record.plan === planDir.identity) {
    from = record.applying || record.completed;
  } else {
    const own = plan.phases.find((phase) => rollbackIdentity(planDir.identity, phase.path) === record.plan);
    if (own === undefined) {
      throw new ApplyFailure(`${plan.environment}: the cluster record names plan ${record.plan}, which is neither ${options.dir} nor one of its rollbacks: pass --from PHASE`);
    }
    from = own.path;
  }
  if (from === '' || from === plan.phases[0].path) {
    runtime.print(`${plan.environment}: at the baseline (${plan.phases[0].path}); nothing to roll back`);
    return;
  }
  const sequence = rollbackSequence(planDir, from);
  runtime.print(`${plan.environment}: rolling back from ${from}: ${sequence.steps.map((step) => `${step.label} (${step.path})`).join(', ')}`);
  // A run of this rollback stopped part-way resumes; otherwise it starts at its first step, whatever
  // the forward plan's record says.
  const decision = record?.plan === sequence.identity ? decideStart(sequence, record) : { start: 0, reason: `rolling back from ${from}` };
  await runSequence(sequence, decision, sequence.steps.length - 1, { planDir, session, resumeCommand: () => options.resumeCommand(from) }, runtime);
}
