/**
 * The apply engine: applies a plan's phases in order against a cluster, deletes what each phase removes,
 * passes its gates (rollout, propagation, observe, drain) and records progress in the cluster so that a
 * rerun resumes. Every cluster call goes through a CommandRunner; every wait through `sleep`.
 */
import { join } from 'node:path';
import { ObjectRef } from '../manifest';
import { PlanFile, PlanPhase } from '../plan/plan-file';
import { CommandResult, CommandRunner, commandLine, contextArgs, istioctlWait, KUBECTL } from './kubectl';
import { findPhase, PlanDirectory } from './plan-dir';
import { parseRecordLine, RECORD_JSONPATH, recordData, recordManifest, recordName, ResumeRecord } from './record';

/** How a run reaches the cluster and the user. */
export interface ApplyRuntime {
  /** Runs kubectl and istioctl. */
  readonly run: CommandRunner;
  /** Whether istioctl is on PATH (the second way to wait for propagation). */
  readonly istioctlAvailable: boolean;
  /** Waits `seconds` (already scaled). */
  readonly sleep: (seconds: number) => Promise<void>;
  /** Milliseconds since some fixed point, for elapsed times. */
  readonly now: () => number;
  /** Prints one line of progress. */
  readonly print: (line: string) => void;
}

/** What to apply and how. */
export interface ApplyOptions {
  /** The plan folder. */
  readonly planDir: PlanDirectory;
  /** Name of the plan in the record and in messages; default: the environment's name. */
  readonly title?: string;
  /** First phase (folder or name); default: after the last phase the cluster record says completed. */
  readonly from?: string;
  /** Last phase (folder or name); default: the plan's last phase. */
  readonly to?: string;
  /** kubectl (and istioctl) context; default: the current context. */
  readonly context?: string;
  /** Print the commands instead of changing the cluster; default false. */
  readonly dryRun?: boolean;
  /** Seconds a propagation wait (kubectl wait, istioctl x wait) may take; default 120. */
  readonly propagationTimeoutSeconds?: number;
  /** Factor for fixed waits (propagation fallback, observe, drain); 0 skips them; default 1. */
  readonly timeScale?: number;
  /** The command that resumes this run at a phase (printed on failure). */
  readonly resumeCommand: (phase: string) => string;
}

/** A failed run: names the phase, the gate or step, the command, and how to resume. Exit code 1. */
export class ApplyFailure extends Error {
  /** Exit code of a failed run. */
  readonly exitCode = 1;
}

/** Default seconds a propagation wait may take. */
export const DEFAULT_PROPAGATION_TIMEOUT_SECONDS = 120;

type PropagationMethod = 'reconciled' | 'istioctl' | 'sleep';

const METHOD_DESCRIPTIONS: Record<PropagationMethod, string> = {
  reconciled: 'istiod reports config status: waiting for the Reconciled condition (kubectl wait)',
  istioctl: 'istiod reports no config status: waiting with istioctl x wait --for=distribution',
  sleep: 'istiod reports no config status and istioctl is not on PATH: waiting the plan\'s fixed seconds',
};

/** Where a run starts, decided from the options and the cluster record. */
export type StartDecision =
  | { readonly start: number; readonly reason: string }
  | { readonly done: string };

/**
 * Where to start (pure): `--from` wins; otherwise after the recorded phase of this plan; a finished
 * plan is not applied again; another plan's unfinished record stops the run (its phases would clash).
 */
export function decideStart(plan: PlanFile, identity: string, record: Omit<ResumeRecord, 'title'> | undefined, from?: string): StartDecision {
  if (from !== undefined) return { start: findPhase(plan, from, '--from').index, reason: `--from ${from}` };
  if (!record) return { start: 0, reason: 'no record in the cluster: starting at the first phase' };
  if (record.plan !== identity) {
    if (record.finished) return { start: 0, reason: 'the cluster record is of a previous plan that finished: starting at the first phase' };
    throw new ApplyFailure(`the cluster record shows another plan (${record.plan}) that stopped ${record.applying ? `while applying ${record.applying}` : `after ${record.completed || 'no phase'}`}: ` +
      'finish or roll back that plan first, or pass --from PHASE to start this one anyway');
  }
  if (record.finished) return { done: `${plan.environment}: every phase is already applied (last: ${record.completed}); nothing to do` };
  const completed = plan.phases.findIndex((p) => p.path === record.completed);
  return completed < 0
    ? { start: 0, reason: 'the cluster record shows no completed phase: starting at the first phase' }
    : { start: completed + 1, reason: `the cluster record shows ${record.completed} completed: resuming after it` };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function label(ref: ObjectRef): string {
  return `${ref.kind}/${ref.name}`;
}

/** Applies the phases of a plan; resolves when every selected phase passed its gates. */
export async function applyPlan(options: ApplyOptions, runtime: ApplyRuntime): Promise<void> {
  const { planDir, dryRun = false } = options;
  const { plan } = planDir;
  const title = options.title ?? plan.environment;
  const timeScale = options.timeScale ?? 1;
  const propagationTimeout = options.propagationTimeoutSeconds ?? DEFAULT_PROPAGATION_TIMEOUT_SECONDS;
  const kubectlArgs = (args: readonly string[]) => [...contextArgs(options.context), ...args];
  const print = runtime.print;
  const started = runtime.now();

  const kubectl = async (args: readonly string[], input?: string): Promise<CommandResult> => {
    const full = kubectlArgs(args);
    if (dryRun) {
      print(input === undefined ? commandLine('kubectl', full) : `${commandLine('kubectl', full)} <<'EOF'\n${input}\nEOF`);
      return { code: 0, stdout: '', stderr: '' };
    }
    return runtime.run('kubectl', full, input);
  };

  const end = options.to === undefined ? plan.phases.length - 1 : findPhase(plan, options.to, '--to').index;
  let decision: StartDecision;
  if (options.from !== undefined) {
    decision = decideStart(plan, planDir.identity, undefined, options.from);
  } else {
    const read = await runtime.run('kubectl', kubectlArgs(['get', 'configmap', recordName(plan.environment), '-n', plan.namespace, '--ignore-not-found', '-o', RECORD_JSONPATH]));
    if (read.code !== 0) throw new ApplyFailure(`cannot read the resume record: ${commandLine('kubectl', kubectlArgs([]))} get configmap ${recordName(plan.environment)} exited ${read.code}: ${read.stderr.trim()}`);
    decision = decideStart(plan, planDir.identity, parseRecordLine(read.stdout));
  }
  if ('done' in decision) {
    print(decision.done);
    return;
  }
  if (decision.start > end) throw new ApplyFailure(`nothing to apply: ${decision.reason}, which is after --to ${options.to}`);
  print(`${title}: phases ${plan.phases[decision.start].path} to ${plan.phases[end].path} (${decision.reason})${dryRun ? ', dry run: printing the commands' : ''}`);

  let method: PropagationMethod | undefined;
  const record = (completed: string, applying: string, finished: boolean) =>
    recordManifest(plan.environment, plan.namespace, recordData({ plan: planDir.identity, title, completed, applying, finished }));

  for (let index = decision.start; index <= end; index++) {
    const phase = plan.phases[index];
    const phaseStarted = runtime.now();
    const previous = index > 0 ? plan.phases[index - 1].path : '';
    print(`${dryRun ? '# ' : ''}phase ${phase.path} (${index + 1}/${plan.phases.length})`);
    const step = async (what: string, args: readonly string[], input?: string) => {
      const stepStarted = runtime.now();
      const result = await kubectl(args, input);
      if (result.code !== 0) fail(phase, what, commandLine('kubectl', kubectlArgs(args)), result);
      if (!dryRun && input === undefined) print(`  ${what} (${seconds(runtime.now() - stepStarted)})`);
    };
    const fail = (failed: PlanPhase, what: string, command: string, result: CommandResult): never => {
      const detail = result.stderr.trim().split('\n').slice(-3).join('\n  ');
      throw new ApplyFailure([
        `${title}: phase ${failed.path}: ${what} failed (exit ${result.code}): ${command}`,
        ...(detail ? [`  ${detail}`] : []),
        `resume with: ${options.resumeCommand(failed.path)}`,
      ].join('\n'));
    };

    await step(`apply ${phase.path}`, KUBECTL.apply(join(planDir.dir, phase.path)));
    await step('record progress', KUBECTL.apply('-'), record(previous, phase.path, false));
    for (const ref of phase.removes) await step(`delete ${label(ref)}`, KUBECTL.delete(ref));

    const { rollout, propagation, observe, drain } = phase.gates;
    for (const ref of rollout?.deployments ?? []) await step(`gate rollout ${label(ref)}`, KUBECTL.rolloutStatus(ref, rollout!.timeoutSeconds));
    if (propagation) {
      if (dryRun) {
        for (const ref of propagation.objects) await step(`gate propagation ${label(ref)}`, KUBECTL.waitReconciled(ref, propagationTimeout));
        print(`# (without istiod config status: istioctl x wait --for=distribution, or sleep ${propagation.seconds})`);
      } else {
        const gateStarted = runtime.now();
        if (method === undefined) {
          const conditions = await runtime.run('kubectl', kubectlArgs(KUBECTL.istioConditions(propagation.objects[0])));
          method = conditions.code === 0 && conditions.stdout.trim() !== '' ? 'reconciled' : runtime.istioctlAvailable ? 'istioctl' : 'sleep';
          print(`  propagation: ${METHOD_DESCRIPTIONS[method]}`);
        }
        if (method === 'sleep') {
          await runtime.sleep(propagation.seconds * timeScale);
        } else {
          for (const ref of propagation.objects) {
            const args = method === 'reconciled' ? kubectlArgs(KUBECTL.waitReconciled(ref, propagationTimeout))
              : [...contextArgs(options.context), ...istioctlWait(ref, propagationTimeout)];
            const program = method === 'reconciled' ? 'kubectl' : 'istioctl';
            const result = await runtime.run(program, args);
            if (result.code !== 0) fail(phase, `gate propagation ${label(ref)}`, commandLine(program, args), result);
          }
        }
        print(`  gate propagation: ${propagation.objects.map(label).join(', ')} (${seconds(runtime.now() - gateStarted)})`);
      }
    }
    for (const [gate, wait] of [['observe', observe], ['drain', drain]] as const) {
      if (!wait) continue;
      if (dryRun) {
        print(`sleep ${wait.seconds}`);
        continue;
      }
      const gateStarted = runtime.now();
      await runtime.sleep(wait.seconds * timeScale);
      print(`  gate ${gate}: ${wait.seconds}s (${seconds(runtime.now() - gateStarted)})`);
    }
    await step('record progress', KUBECTL.apply('-'), record(phase.path, '', index === plan.phases.length - 1));
    if (!dryRun) print(`phase ${phase.path} done (${seconds(runtime.now() - phaseStarted)})`);
  }
  if (!dryRun) print(`${title}: ${plan.phases[end].path} reached in ${seconds(runtime.now() - started)}`);
}
