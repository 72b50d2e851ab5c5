/**
 * The one place that runs cluster tools (kubectl, istioctl): found on PATH, arguments never passed
 * through a shell, and every command printable exactly as it runs.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ObjectRef } from '../manifest';

/** What a finished command returned. */
export interface CommandResult {
  /** Exit code (non-zero also when the command could not be started). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error, or why the command could not be started. */
  readonly stderr: string;
}

/** Runs a program with arguments, optional standard input, and a deadline in seconds (none when absent). */
export type CommandRunner = (program: string, args: readonly string[], input?: string, deadlineSeconds?: number) => Promise<CommandResult>;

/** Exit code of a call killed at its deadline (as coreutils `timeout` exits, which apply.sh uses). */
export const DEADLINE_EXIT_CODE = 124;

/** What a call killed at its deadline reports on standard error (apply.sh prints the same). */
export function deadlineMessage(seconds: number): string {
  return `timed out: no answer within ${seconds}s (the deadline of this call)`;
}

/** Runs programs found on the PATH of `env` (default: this process's environment); kills one past its deadline. */
export function processRunner(env: NodeJS.ProcessEnv = process.env): CommandRunner {
  return (program, args, input, deadlineSeconds) => new Promise((resolve) => {
    const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = deadlineSeconds === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, deadlineSeconds * 1000);
    const done = (result: CommandResult) => {
      if (timer) clearTimeout(timer);
      resolve(timedOut ? { code: DEADLINE_EXIT_CODE, stdout, stderr: `${stderr}${deadlineMessage(deadlineSeconds!)}\n` } : result);
    };
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', (error: NodeJS.ErrnoException) => {
      done({ code: 127, stdout, stderr: error.code === 'ENOENT' ? `${program}: not found on PATH` : error.message });
    });
    // A killed call is done when it exits, even if a grandchild still holds its output open.
    child.on('exit', () => { if (timedOut) done({ code: DEADLINE_EXIT_CODE, stdout, stderr }); });
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a program that exits without reading its input
    child.stdin.end(input ?? '');
  });
}

/** True when an executable named `program` is on the PATH of `env`. */
export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).filter(Boolean).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Quotes a word for POSIX sh when it needs it, so that printed commands can be pasted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}[\]-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line as the user would type it. */
export function commandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(shellQuote).join(' ');
}

/** `deployment.apps/NAME`: the fully qualified resource kubectl understands for any group. */
export function resourceArg(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? `.${ref.apiVersion.split('/')[0]}` : '';
  return `${ref.kind.toLowerCase()}${group}/${ref.name}`;
}

/** `-n NAMESPACE`, or nothing for cluster-scoped objects. */
export function namespaceArgs(ref: ObjectRef): string[] {
  return ref.namespace === undefined ? [] : ['-n', ref.namespace];
}

/**
 * `--request-timeout` of every kubectl call that is not a wait: one API request that hangs fails after
 * it instead of holding the run (waits are bounded by their own `--timeout`).
 */
export const REQUEST_TIMEOUT = '--request-timeout=60s';

/** Default deadline in seconds of a kubectl call that is not a wait (`--call-timeout`): it is killed after it. */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 300;

/** Seconds a wait (rollout status, kubectl wait, istioctl x wait) may run past its own `--timeout` before it is killed. */
export const WAIT_DEADLINE_MARGIN_SECONDS = 10;

/** The kubectl invocations of a rollout, in one place so that apply and apply.sh issue the same commands. */
export const KUBECTL = {
  /** Server-side apply of a folder or of standard input (`-`). */
  apply: (file: string) => [REQUEST_TIMEOUT, 'apply', '--server-side', '--field-manager=phased-rollout', '-f', file],
  /**
   * Whether applying a folder would change the cluster (exit 0: no, 1: yes, with the diff; more: an error). With
   * --force-conflicts, a field another manager took over (kubectl scale, edit) shows as a difference, not a conflict.
   */
  diff: (file: string) => [REQUEST_TIMEOUT, 'diff', '--server-side', '--field-manager=phased-rollout', '--force-conflicts', '-f', file],
  /** Deletion of an object a phase no longer has. */
  delete: (ref: ObjectRef) => [REQUEST_TIMEOUT, 'delete', resourceArg(ref), ...namespaceArgs(ref), '--ignore-not-found'],
  /** Waits for a new Deployment to be rolled out and ready. */
  rolloutStatus: (ref: ObjectRef, timeoutSeconds: number) =>
    ['rollout', 'status', `deployment/${ref.name}`, ...namespaceArgs(ref), `--timeout=${timeoutSeconds}s`],
  /**
   * Waits until a Deployment has `replicas` pods available. Equality is what kubectl waits for, and exact here: the
   * capacity gate waits only for an autoscaler pinned at minReplicas = maxReplicas (src/plan/gates.ts).
   */
  waitAvailable: (ref: ObjectRef, replicas: number, timeoutSeconds: number) =>
    ['wait', `--for=jsonpath={.status.availableReplicas}=${replicas}`, `deployment/${ref.name}`, ...namespaceArgs(ref), `--timeout=${timeoutSeconds}s`],
  /** Reads the condition types istiod reports on an Istio object (empty when istiod writes no status). */
  istioConditions: (ref: ObjectRef) => [REQUEST_TIMEOUT, 'get', resourceArg(ref), ...namespaceArgs(ref), '-o', 'jsonpath={.status.conditions[*].type}'],
  /** Waits for istiod's `Reconciled` condition: the config reached every proxy. */
  waitReconciled: (ref: ObjectRef, timeoutSeconds: number) =>
    ['wait', '--for=condition=Reconciled', resourceArg(ref), ...namespaceArgs(ref), `--timeout=${timeoutSeconds}s`],
} as const;

/** `istioctl x wait --for=distribution KIND NAME.NS`: the config reached every proxy (no istiod status needed). */
export function istioctlWait(ref: ObjectRef, timeoutSeconds: number): string[] {
  const name = ref.namespace === undefined ? ref.name : `${ref.name}.${ref.namespace}`;
  return ['x', 'wait', '--for=distribution', ref.kind.toLowerCase(), name, `--timeout=${timeoutSeconds}s`];
}

/** Global arguments that select the cluster (`--context`), placed before the command's own. */
export function contextArgs(context: string | undefined): string[] {
  return context === undefined ? [] : [`--context=${context}`];
}
