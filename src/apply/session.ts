/**
 * A session with one cluster: runs kubectl steps (or prints them in a dry run) and passes the gates
 * of src/apply/steps.ts (rollout, capacity, propagation, observe, drain). Shared by `apply`, `rollback` and `promote`.
 */
import { ObjectRef, refLabel } from '../manifest';
import {
  CommandResult, CommandRunner, commandLine, contextArgs, DEFAULT_CALL_TIMEOUT_SECONDS, istioctlWait, KUBECTL, WAIT_DEADLINE_MARGIN_SECONDS,
} from './kubectl';
import { GateAction } from './steps';

/** How a session reaches the cluster and the user. */
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

/** Settings of a session. */
export interface SessionOptions {
  /** kubectl (and istioctl) context; default: the current context. */
  readonly context?: string;
  /** Print the commands instead of changing the cluster; default false. */
  readonly dryRun?: boolean;
  /** Seconds a propagation wait (kubectl wait, istioctl x wait) may take; default 120. */
  readonly propagationTimeoutSeconds?: number;
  /** Factor for fixed waits (propagation fallback, observe, drain); 0 skips them; default 1. */
  readonly timeScale?: number;
  /** Seconds a kubectl call that is not a wait may take before it is killed and fails; default 300. */
  readonly callTimeoutSeconds?: number;
}

/** Default seconds a propagation wait may take. */
export const DEFAULT_PROPAGATION_TIMEOUT_SECONDS = 120;

/** Called when a step fails: `what` failed, running `command`, with `result`. Never returns. */
export type FailureHandler = (what: string, command: string, result: CommandResult) => never;

type PropagationMethod = 'reconciled' | 'istioctl' | 'sleep';

/** How the propagation gate waits, as printed once per run (also by apply.sh). */
export const METHOD_DESCRIPTIONS: Record<PropagationMethod, string> = {
  reconciled: 'istiod reports config status: waiting for the Reconciled condition (kubectl wait)',
  istioctl: 'istiod reports no config status: waiting with istioctl x wait --for=distribution',
  sleep: 'istiod reports no config status and istioctl is not on PATH: waiting the plan\'s fixed seconds',
};

/** Seconds before each retry of a failed check of istiod's config status (then the gate fails); apply.sh waits the same. */
export const STATUS_CHECK_BACKOFF_SECONDS = [1, 2] as const;

/** `1.2s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** One run against one cluster; detects the propagation method once. */
export class ClusterSession {
  /** Whether commands are printed instead of run. */
  readonly dryRun: boolean;
  private method?: PropagationMethod;

  constructor(private readonly runtime: ApplyRuntime, private readonly options: SessionOptions = {}) {
    this.dryRun = options.dryRun ?? false;
  }

  /** kubectl arguments with the context in front. */
  args(args: readonly string[]): string[] {
    return [...contextArgs(this.options.context), ...args];
  }

  /** Deadline of a kubectl call that is not a wait. */
  get callTimeout(): number {
    return this.options.callTimeoutSeconds ?? DEFAULT_CALL_TIMEOUT_SECONDS;
  }

  /** Runs a kubectl command whatever the dry run (reads, and the lock), with optional standard input, within the call deadline. */
  read(args: readonly string[], input?: string): Promise<CommandResult> {
    return this.runtime.run('kubectl', this.args(args), input, this.callTimeout);
  }

  /**
   * Runs (or in a dry run prints) a kubectl command; calls `fail` when it exits non-zero or is killed at
   * its deadline (`deadline` seconds, default the call deadline).
   */
  async step(what: string, args: readonly string[], fail: FailureHandler, input?: string, deadline = this.callTimeout): Promise<void> {
    const full = this.args(args);
    if (this.dryRun) {
      this.runtime.print(input === undefined ? commandLine('kubectl', full) : `${commandLine('kubectl', full)} <<'EOF'\n${input}\nEOF`);
      return;
    }
    const started = this.runtime.now();
    const result = await this.runtime.run('kubectl', full, input, deadline);
    if (result.code !== 0) fail(what, commandLine('kubectl', full), result);
    if (input === undefined) this.runtime.print(`  ${what} (${seconds(this.runtime.now() - started)})`);
  }

  /** Passes one gate of a phase or rollback step ({@link gateActions} gives them in order). */
  async passGate(gate: GateAction, fail: FailureHandler): Promise<void> {
    switch (gate.kind) {
      case 'rollout':
        return this.step(`gate rollout ${refLabel(gate.deployment)}`, KUBECTL.rolloutStatus(gate.deployment, gate.timeoutSeconds), fail,
          undefined, gate.timeoutSeconds + WAIT_DEADLINE_MARGIN_SECONDS);
      case 'capacity':
        return this.step(`gate capacity ${refLabel(gate.deployment)} (${gate.replicas} available)`,
          KUBECTL.waitAvailable(gate.deployment, gate.replicas, gate.timeoutSeconds), fail, undefined, gate.timeoutSeconds + WAIT_DEADLINE_MARGIN_SECONDS);
      case 'propagation': return this.propagation(gate.objects, gate.seconds, fail);
      case 'pause': return this.pause(gate.gate, gate.seconds);
    }
  }

  private get timeout(): number {
    return this.options.propagationTimeoutSeconds ?? DEFAULT_PROPAGATION_TIMEOUT_SECONDS;
  }

  private async propagation(objects: readonly ObjectRef[], fixedSeconds: number, fail: FailureHandler): Promise<void> {
    const { runtime } = this;
    if (this.dryRun) {
      for (const ref of objects) await this.step(`gate propagation ${refLabel(ref)}`, KUBECTL.waitReconciled(ref, this.timeout), fail);
      runtime.print(`# (without istiod config status: istioctl x wait --for=distribution, or sleep ${fixedSeconds})`);
      return;
    }
    if (objects.length === 0) {
      // Deleted config has no status to wait for (a retired service's routes): the fixed wait.
      runtime.print(`  gate propagation: ${fixedSeconds}s, deletions only`);
      await runtime.sleep(fixedSeconds * (this.options.timeScale ?? 1));
      return;
    }
    const started = runtime.now();
    if (this.method === undefined) {
      const conditions = await this.detectStatus(objects[0], fail);
      this.method = conditions !== '' ? 'reconciled' : runtime.istioctlAvailable ? 'istioctl' : 'sleep';
      runtime.print(`  propagation: ${METHOD_DESCRIPTIONS[this.method]}`);
    }
    if (this.method === 'sleep') {
      await runtime.sleep(fixedSeconds * (this.options.timeScale ?? 1));
    } else {
      for (const ref of objects) {
        const [program, args] = this.method === 'reconciled'
          ? ['kubectl', this.args(KUBECTL.waitReconciled(ref, this.timeout))]
          : ['istioctl', this.args(istioctlWait(ref, this.timeout))];
        const result = await runtime.run(program, args, undefined, this.timeout + WAIT_DEADLINE_MARGIN_SECONDS);
        if (result.code !== 0) fail(`gate propagation ${refLabel(ref)}`, commandLine(program, args), result);
      }
    }
    runtime.print(`  gate propagation: ${objects.map(refLabel).join(', ')} (${seconds(runtime.now() - started)})`);
  }

  /**
   * The condition types istiod reports on `ref` (empty: istiod writes no config status). A check that
   * fails (RBAC denial, API error) is retried after {@link STATUS_CHECK_BACKOFF_SECONDS}, then fails the
   * gate: it must never be taken for "no status", which would weaken the gate to fixed seconds.
   */
  private async detectStatus(ref: ObjectRef, fail: FailureHandler): Promise<string> {
    const args = KUBECTL.istioConditions(ref);
    for (let attempt = 0; ; attempt++) {
      const result = await this.read(args);
      if (result.code === 0) return result.stdout.trim();
      const backoff = STATUS_CHECK_BACKOFF_SECONDS[attempt];
      if (backoff === undefined) fail('detect istiod config status', commandLine('kubectl', this.args(args)), result);
      this.runtime.print(`  propagation: cannot tell whether istiod reports config status (exit ${result.code}); retrying in ${backoff}s`);
      await this.runtime.sleep(backoff * (this.options.timeScale ?? 1));
    }
  }

  private async pause(gate: string, wait: number): Promise<void> {
    if (this.dryRun) {
      this.runtime.print(`sleep ${wait}`);
      return;
    }
    const started = this.runtime.now();
    await this.runtime.sleep(wait * (this.options.timeScale ?? 1));
    this.runtime.print(`  gate ${gate}: ${wait}s (${seconds(this.runtime.now() - started)})`);
  }
}
