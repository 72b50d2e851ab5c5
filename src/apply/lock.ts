/**
 * One release at a time: a run that changes an environment (apply, rollback, apply.sh) first creates the
 * environment's lock ConfigMap with `kubectl create` (create-only: a second run gets AlreadyExists and
 * refuses, naming the holder) and deletes it when it ends, also on failure. A lock left by a killed run
 * is taken over only when asked (`--take-over-lock`). apply.sh takes and releases the same lock.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { PlanFile } from '../plan/plan-file';
import { ApplyFailure } from './errors';
import { configMapLine } from './record';
import { REQUEST_TIMEOUT } from './kubectl';
import { ClusterSession } from './session';

/** Who holds a lock. */
export interface LockHolder {
  /** Host the run started on (`uname -n`). */
  readonly host: string;
  /** Process id of the run. */
  readonly pid: number;
  /** The command that runs (`phased-rollout apply`, `apply.sh --rollback`). */
  readonly command: string;
  /** When the run took the lock (UTC, ISO 8601 to the second). */
  readonly started: string;
}

/** Name of the lock ConfigMap of an environment. */
export function lockName(environment: string): string {
  return `phased-rollout-${environment}-lock`;
}

/** The holder as the lock's `holder` field and messages show it. */
export function describeHolder(holder: LockHolder): string {
  return `${holder.command} on ${holder.host} (pid ${holder.pid}) since ${holder.started}`;
}

/** The holder of this process. */
export function processHolder(command: string, now = new Date()): LockHolder {
  return { host: hostname(), pid: process.pid, command, started: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** A lock's ConfigMap data: every field as a string (apply.sh passes printf placeholders). */
export interface LockData {
  /** {@link describeHolder}. */
  readonly holder: string;
  /** {@link LockHolder.host}. */
  readonly host: string;
  /** {@link LockHolder.pid}. */
  readonly pid: string;
  /** {@link LockHolder.command}. */
  readonly command: string;
  /** {@link LockHolder.started}. */
  readonly started: string;
}

/** The data of a lock held by `holder`. */
export function lockData(holder: LockHolder): LockData {
  return { holder: describeHolder(holder), host: holder.host, pid: String(holder.pid), command: holder.command, started: holder.started };
}

/** The lock ConfigMap, as one line of JSON for `kubectl create -f -`. */
export function lockManifest(environment: string, namespace: string, data: LockData): string {
  return configMapLine(lockName(environment), namespace,
    { holder: data.holder, host: data.host, pid: data.pid, command: data.command, started: data.started });
}

/** The kubectl calls of the lock, shared with apply.sh. */
export const LOCK_KUBECTL = {
  /** Creates the lock; fails with AlreadyExists when another run holds it. */
  create: [REQUEST_TIMEOUT, 'create', '-f', '-'],
  /** Prints the holder of the lock (nothing when there is none). */
  holder: (environment: string, namespace: string) => [REQUEST_TIMEOUT, 'get', 'configmap', lockName(environment), '-n', namespace, '--ignore-not-found', '-o', 'jsonpath={.data.holder}'],
  /** Deletes the lock. */
  release: (environment: string, namespace: string) => [REQUEST_TIMEOUT, 'delete', 'configmap', lockName(environment), '-n', namespace, '--ignore-not-found'],
} as const;

/** What kubectl says when the object to create exists. */
export const ALREADY_EXISTS = /AlreadyExists|already exists/;

/** How a run takes the lock. */
export interface LockOptions {
  /** Delete a lock another run left (a killed run) before taking it; default false. */
  readonly takeOver?: boolean;
  /** The command shown as the holder (`phased-rollout apply`). */
  readonly command: string;
}

/**
 * Runs `body` holding the environment's lock (taken before, released after, also when `body` fails).
 * A dry run changes nothing and takes no lock.
 */
export async function withLock<T>(session: ClusterSession, plan: PlanFile, options: LockOptions, print: (line: string) => void, body: () => Promise<T>): Promise<T> {
  if (session.dryRun) return body();
  const { environment, namespace } = plan;
  const where = `ConfigMap ${namespace}/${lockName(environment)}`;
  const holderOf = async () => (await session.read(LOCK_KUBECTL.holder(environment, namespace))).stdout.trim() || 'an unknown run';
  if (options.takeOver) {
    const held = await session.read(LOCK_KUBECTL.holder(environment, namespace));
    if (held.stdout.trim() !== '') print(`${environment}: taking over the lock held by ${held.stdout.trim()}`);
    const deleted = await session.read(LOCK_KUBECTL.release(environment, namespace));
    if (deleted.code !== 0) throw new ApplyFailure(`${environment}: cannot take over the lock (${where}): kubectl delete exited ${deleted.code}: ${deleted.stderr.trim()}`);
  }
  const created = await session.read(LOCK_KUBECTL.create, lockManifest(environment, namespace, lockData(processHolder(options.command))));
  if (created.code !== 0) {
    if (ALREADY_EXISTS.test(created.stderr)) {
      throw new ApplyFailure(`${environment}: another run holds the lock (${where}): ${await holderOf()}. ` +
        'Wait for it to end; if that run is gone (killed), take the lock over with --take-over-lock');
    }
    throw new ApplyFailure(`${environment}: cannot take the lock (${where}): kubectl create exited ${created.code}: ${created.stderr.trim()}`);
  }
  const release = LOCK_KUBECTL.release(environment, namespace);
  const stopReleasing = releaseOnSignals(session.args(release));
  try {
    return await body();
  } finally {
    stopReleasing();
    const released = await session.read(release);
    if (released.code !== 0) print(`${environment}: could not release the lock (${where}): ${released.stderr.trim()}; delete it with kubectl ${release.join(' ')}`);
  }
}

/**
 * While a run holds the lock, SIGINT and SIGTERM release it before the process ends (as apply.sh's
 * trap does); a run killed with SIGKILL leaves it, to be taken over explicitly. Returns the undo.
 */
function releaseOnSignals(kubectlArgs: readonly string[]): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      // Synchronous: no further step of the run may start once the lock is gone.
      spawnSync('kubectl', kubectlArgs, { stdio: 'ignore', timeout: 70_000 });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => handlers.forEach(([signal, handler]) => process.removeListener(signal, handler));
}
