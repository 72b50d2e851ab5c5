/**
 * The apply engine: applies a plan's phases in order against a cluster, deletes what each phase removes,
 * passes its gates (rollout, propagation, observe, drain) and records progress in the cluster so that a
 * rerun resumes. Every cluster call goes through a CommandRunner; every wait through `sleep`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { refLabel } from '../manifest';
import { keptPlanPath } from '../plan/kept-plans';
import { PlanFile } from '../plan/plan-file';
import { ApplyFailure, PREVIEW_WITHOUT_CLUSTER } from './errors';
import { KUBECTL } from './kubectl';
import { checkLive } from './live';
import { withLock } from './lock';
import { currentListing, describeChanges, findPhase, PlanDirectory } from './plan-dir';
import { changedPaths, isEarlierIdentity, parseRecordLine, recordData, recordManifest, recordName, recordReadArgs, ResumeRecord } from './record';
import { ApplyRuntime, ClusterSession, FailureHandler, seconds, SessionOptions } from './session';
import { planSteps, RunStep, StepAction } from './steps';

export type { RunStep } from './steps';

/** What to apply and how. */
export interface ApplyOptions extends SessionOptions {
  /** The plan folder. */
  readonly planDir: PlanDirectory;
  /** First phase (folder or name); default: after the last phase the cluster record says completed. */
  readonly from?: string;
  /** Last phase (folder or name); default: the plan's last phase. */
  readonly to?: string;
  /** The command that resumes this run at a phase (printed on failure). */
  readonly resumeCommand: (phase: string) => string;
  /** Delete the environment's lock left by another run (a killed one) before taking it; default false. */
  readonly takeOverLock?: boolean;
}

export { ApplyFailure } from './errors';

/** A sequence of steps the engine runs against one environment: its forward phases, or one rollback. */
export interface RunSequence {
  /** Name in messages and in the record (`production`, `production rollback from 02-switch`). */
  readonly title: string;
  /** Identity recorded in the cluster, so that only this sequence's record resumes it. */
  readonly identity: string;
  /** What a step is called in messages: `phase` or `step`. */
  readonly unit: string;
  /** The steps in order. */
  readonly steps: readonly RunStep[];
  /** The phase folder the cluster holds before the first step (a rollback's); absent before a plan's first phase. */
  readonly startsFrom?: string;
}

/** The forward phases of a plan folder as a run. */
export function forwardSequence(planDir: PlanDirectory): RunSequence {
  return {
    title: planDir.plan.environment,
    identity: planDir.identity,
    unit: 'phase',
    steps: planSteps(planDir.plan).forward,
  };
}

/** Where a run starts, decided from the options and the cluster record. */
export type StartDecision =
  | { readonly start: number; readonly reason: string }
  | { readonly done: string };

/**
 * Where to start without `--from` (pure): after the recorded step of this sequence; a finished
 * sequence is not run again; another sequence's unfinished record stops the run (its phases would clash).
 */
export function decideStart(sequence: RunSequence, record: Omit<ResumeRecord, 'title'> | undefined, keptAt?: string): StartDecision {
  const { unit } = sequence;
  if (!record) return { start: 0, reason: `no record in the cluster: starting at the first ${unit}` };
  if (record.plan !== sequence.identity) {
    if (record.finished) return { start: 0, reason: `the cluster record is of a previous plan that finished: starting at the first ${unit}` };
    const where = record.applying ? `while applying ${record.applying}` : `after ${record.completed || 'no phase'}`;
    if (isEarlierIdentity(record.plan)) {
      // The same plan may have written it: say where that run would continue rather than only refusing.
      const completed = sequence.steps.findIndex((step) => step.label === record.completed);
      const next = record.applying || sequence.steps[completed + 1]?.label || sequence.steps[0].label;
      throw new ApplyFailure(`the cluster record (plan ${record.plan}) was written by an earlier phased-rollout, which computed plan identities differently, ` +
        `and shows a run that stopped ${where}: if that run was this plan, continue it with --from ${next}; otherwise finish or roll back that plan first`);
    }
    // Synthesis keeps the plan it replaced: name where, and how to roll it back.
    const rollbackFrom = record.plan.includes('/rollback/') ? record.plan.slice(record.plan.indexOf('/rollback/') + '/rollback/'.length)
      : record.applying || record.completed;
    const kept = keptAt === undefined ? '' : `; synthesis kept that plan in ${keptAt}: roll it back with phased-rollout rollback ${keptAt} --from ${rollbackFrom}`;
    throw new ApplyFailure(`the cluster record shows another plan (${record.plan}) that stopped ${where}: ` +
      `finish or roll back that plan first, or pass --from PHASE to start this one anyway${kept}`);
  }
  if (record.finished) return { done: `${sequence.title}: every ${unit} is already applied (last: ${record.completed}); nothing to do` };
  const completed = sequence.steps.findIndex((step) => step.label === record.completed);
  return completed < 0
    ? { start: 0, reason: `the cluster record shows no completed ${unit}: starting at the first ${unit}` }
    : { start: completed + 1, reason: `the cluster record shows ${record.completed} completed: resuming after it` };
}


/** Reads the environment's resume record (also in a dry run); `hint` follows the message when it cannot be read. */
export async function readRecord(session: ClusterSession, plan: PlanFile, hint = ''): Promise<Omit<ResumeRecord, 'title'> | undefined> {
  const read = await session.read(recordReadArgs(plan));
  if (read.code !== 0) {
    throw new ApplyFailure(`cannot read the resume record (kubectl get configmap ${recordName(plan.environment)} -n ${plan.namespace} exited ${read.code})${hint}: ${read.stderr.trim()}`);
  }
  return parseRecordLine(read.stdout);
}

/** Applies the phases of a plan; resolves when every selected phase passed its gates. */
export async function applyPlan(options: ApplyOptions, runtime: ApplyRuntime): Promise<void> {
  const { planDir } = options;
  const { plan } = planDir;
  const session = new ClusterSession(runtime, options);
  const sequence = forwardSequence(planDir);
  const end = options.to === undefined ? plan.phases.length - 1 : findPhase(plan, options.to, '--to').index;
  const from = options.from === undefined ? undefined : findPhase(plan, options.from, '--from').index;
  await withLock(session, plan, { takeOver: options.takeOverLock, command: 'phased-rollout apply' }, runtime.print, async () => {
    const decision = from !== undefined
      ? { start: from, reason: `--from ${options.from}` }
      // With --from, apply reads no record: that is what the hint of a dry run suggests.
      : await readRecord(session, plan, session.dryRun ? PREVIEW_WITHOUT_CLUSTER : '').then((record) => {
        const kept = record === undefined ? undefined : keptPlanPath(planDir.dir, record.plan);
        return decideStart(sequence, record, kept !== undefined && existsSync(join(kept, 'plan.json')) ? kept : undefined);
      });
    if (!('done' in decision) && decision.start > end) throw new ApplyFailure(`nothing to apply: ${decision.reason}, which is after --to ${options.to}`);
    await runSequence(sequence, decision, end, { planDir, session, resumeCommand: options.resumeCommand }, runtime);
  });
}

/**
 * Stops the run before applying `folder` when plan.json or a phase file changed since the plan was read
 * (a synthesis or an edit meanwhile): only the plan whose identity was checked is applied.
 */
function checkUnchanged(planDir: PlanDirectory, where: string, folder: string, resume: string): void {
  const changed = changedPaths(planDir.listing, currentListing(planDir.dir, planDir.plan));
  if (changed.length === 0) return;
  throw new ApplyFailure(`${where}: the plan changed since this run read it (${describeChanges(changed)}): stopped before applying ${folder}\n` +
    `review the plan as it is now (phased-rollout plan), then continue with: ${resume}`);
}

/** Where and how {@link runSequence} runs. */
export interface RunContext {
  /** The plan folder the steps' folders are in. */
  readonly planDir: PlanDirectory;
  /** The cluster session. */
  readonly session: ClusterSession;
  /** The command that resumes the run at a step (label), printed on failure. */
  readonly resumeCommand: (label: string) => string;
}

/**
 * Runs the steps `decision.start..end` of a sequence: per step, its actions ({@link stepActions}: apply
 * its folder, record it as being applied, delete its removes, pass its gates, record it as completed).
 */
export async function runSequence(sequence: RunSequence, decision: StartDecision, end: number, context: RunContext, runtime: ApplyRuntime): Promise<void> {
  const { title, unit, steps } = sequence;
  const { planDir, session } = context;
  const print = runtime.print;
  if ('done' in decision) {
    print(decision.done);
    return;
  }
  const started = runtime.now();
  print(`${title}: ${unit}s ${steps[decision.start].label} to ${steps[end].label} (${decision.reason})${session.dryRun ? ', dry run: printing the commands' : ''}`);
  const record = (completed: string, applying: string, finished: boolean) =>
    recordManifest(planDir.plan.environment, planDir.plan.namespace, recordData({ plan: sequence.identity, title, completed, applying, finished }));

  for (let index = decision.start; index <= end; index++) {
    const step = steps[index];
    const stepStarted = runtime.now();
    const previous = index > 0 ? steps[index - 1].label : '';
    const folder = step.label === step.path ? '' : `: ${step.path}`;
    print(`${session.dryRun ? '# ' : ''}${unit} ${step.label} (${index + 1}/${steps.length})${folder}`);
    const fail: FailureHandler = (what, command, result) => {
      const detail = result.stderr.trim().split('\n').slice(-3).join('\n  ');
      throw new ApplyFailure([
        `${title}: ${unit} ${step.label}: ${what} failed (exit ${result.code}): ${command}`,
        ...(detail ? [`  ${detail}`] : []),
        `resume with: ${context.resumeCommand(step.label)}`,
      ].join('\n'));
    };
    const run = async (action: StepAction): Promise<void> => {
      switch (action.kind) {
        case 'apply':
          checkUnchanged(planDir, `${title}: ${unit} ${step.label}`, action.path, context.resumeCommand(step.label));
          await checkLive(session, planDir, {
            where: `${title}: ${unit} ${step.label}`,
            previous: index > 0 ? steps[index - 1].path : sequence.startsFrom,
            previousGates: index > 0 ? steps[index - 1].gates : undefined,
            next: action.path,
            resume: context.resumeCommand(step.label),
          }, print, runtime.now);
          return session.step(`apply ${action.path}`, KUBECTL.apply(join(planDir.dir, action.path)), fail);
        case 'record': return session.step('record progress', KUBECTL.apply('-'), fail, action.state === 'applying'
          ? record(previous, step.label, false)
          : record(step.label, '', index === steps.length - 1));
        case 'remove': return session.step(`delete ${refLabel(action.ref)}`, KUBECTL.delete(action.ref), fail);
        default: return session.passGate(action, fail);
      }
    };
    for (const action of step.actions) await run(action);
    if (!session.dryRun) print(`${unit} ${step.label} done (${seconds(runtime.now() - stepStarted)})`);
  }
  if (!session.dryRun) print(`${title}: ${steps[end].label} reached in ${seconds(runtime.now() - started)}`);
}
