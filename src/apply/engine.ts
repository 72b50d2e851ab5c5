/**
 * The apply engine: applies a plan's phases in order against a cluster, deletes what each phase removes,
 * passes its gates (rollout, propagation, observe, drain) and records progress in the cluster so that a
 * rerun resumes. Every cluster call goes through a CommandRunner; every wait through `sleep`.
 */
import { join } from 'node:path';
import { PlanFile } from '../plan/plan-file';
import { KUBECTL } from './kubectl';
import { findPhase, PlanDirectory } from './plan-dir';
import { parseRecordLine, RECORD_JSONPATH, recordData, recordManifest, recordName, ResumeRecord } from './record';
import { ApplyRuntime, ClusterSession, FailureHandler, seconds, SessionOptions } from './session';

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
}

/** A failed run: names the phase, the gate or step, the command, and how to resume. Exit code 1. */
export class ApplyFailure extends Error {
  /** Exit code of a failed run. */
  readonly exitCode = 1;
}

/** Where a run starts, decided from the options and the cluster record. */
export type StartDecision =
  | { readonly start: number; readonly reason: string }
  | { readonly done: string };

/**
 * Where to start (pure): `--from` wins; otherwise after the recorded phase of this plan; a finished
 * plan is not applied again; another plan's unfinished record stops the run (its phases would clash).
 */
export function decideStart(plan: PlanFile, identity: string, record: Omit<ResumeRecord, 'title'> | undefined, from?: string, title = plan.environment): StartDecision {
  if (from !== undefined) return { start: findPhase(plan, from, '--from').index, reason: `--from ${from}` };
  if (!record) return { start: 0, reason: 'no record in the cluster: starting at the first phase' };
  if (record.plan !== identity) {
    if (record.finished) return { start: 0, reason: 'the cluster record is of a previous plan that finished: starting at the first phase' };
    throw new ApplyFailure(`the cluster record shows another plan (${record.plan}) that stopped ${record.applying ? `while applying ${record.applying}` : `after ${record.completed || 'no phase'}`}: ` +
      'finish or roll back that plan first, or pass --from PHASE to start this one anyway');
  }
  if (record.finished) return { done: `${title}: every phase is already applied (last: ${record.completed}); nothing to do` };
  const completed = plan.phases.findIndex((p) => p.path === record.completed);
  return completed < 0
    ? { start: 0, reason: 'the cluster record shows no completed phase: starting at the first phase' }
    : { start: completed + 1, reason: `the cluster record shows ${record.completed} completed: resuming after it` };
}

/** Applies the phases of a plan; resolves when every selected phase passed its gates. */
export async function applyPlan(options: ApplyOptions, runtime: ApplyRuntime): Promise<void> {
  const { planDir } = options;
  const { plan } = planDir;
  const { title } = planDir;
  const session = new ClusterSession(runtime, options);
  const print = runtime.print;
  const started = runtime.now();

  const end = options.to === undefined ? plan.phases.length - 1 : findPhase(plan, options.to, '--to').index;
  let decision: StartDecision;
  if (options.from !== undefined) {
    decision = decideStart(plan, planDir.identity, undefined, options.from);
  } else {
    const read = await session.read(['get', 'configmap', recordName(plan.environment), '-n', plan.namespace, '--ignore-not-found', '-o', RECORD_JSONPATH]);
    if (read.code !== 0) {
      throw new ApplyFailure(`cannot read the resume record (kubectl get configmap ${recordName(plan.environment)} -n ${plan.namespace} exited ${read.code}): ${read.stderr.trim()}`);
    }
    decision = decideStart(plan, planDir.identity, parseRecordLine(read.stdout), undefined, title);
  }
  if ('done' in decision) {
    print(decision.done);
    return;
  }
  if (decision.start > end) throw new ApplyFailure(`nothing to apply: ${decision.reason}, which is after --to ${options.to}`);
  print(`${title}: phases ${plan.phases[decision.start].path} to ${plan.phases[end].path} (${decision.reason})${session.dryRun ? ', dry run: printing the commands' : ''}`);

  const record = (completed: string, applying: string, finished: boolean) =>
    recordManifest(plan.environment, plan.namespace, recordData({ plan: planDir.identity, title, completed, applying, finished }));

  for (let index = decision.start; index <= end; index++) {
    const phase = plan.phases[index];
    const phaseStarted = runtime.now();
    const previous = index > 0 ? plan.phases[index - 1].path : '';
    print(`${session.dryRun ? '# ' : ''}phase ${phase.path} (${index + 1}/${plan.phases.length})`);
    const fail: FailureHandler = (what, command, result) => {
      const detail = result.stderr.trim().split('\n').slice(-3).join('\n  ');
      throw new ApplyFailure([
        `${title}: phase ${phase.path}: ${what} failed (exit ${result.code}): ${command}`,
        ...(detail ? [`  ${detail}`] : []),
        `resume with: ${options.resumeCommand(phase.path)}`,
      ].join('\n'));
    };
    await session.step(`apply ${phase.path}`, KUBECTL.apply(join(planDir.dir, phase.path)), fail);
    await session.step('record progress', KUBECTL.apply('-'), fail, record(previous, phase.path, false));
    for (const ref of phase.removes) await session.step(`delete ${ref.kind}/${ref.name}`, KUBECTL.delete(ref), fail);
    await session.passGates(phase, fail);
    await session.step('record progress', KUBECTL.apply('-'), fail, record(phase.path, '', index === plan.phases.length - 1));
    if (!session.dryRun) print(`phase ${phase.path} done (${seconds(runtime.now() - phaseStarted)})`);
  }
  if (!session.dryRun) print(`${title}: ${plan.phases[end].path} reached in ${seconds(runtime.now() - started)}`);
}
