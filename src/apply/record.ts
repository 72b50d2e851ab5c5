/**
 * The resume record: a ConfigMap in the environment's namespace that says which plan ran last and how
 * far it got, so that a rerun continues where the last one stopped. apply.sh reads and writes the same.
 */
import { createHash } from 'node:crypto';
import { MANAGED_BY } from '../constructs/labels';
import { REQUEST_TIMEOUT } from './kubectl';

/** What the cluster remembers about the last run of an environment. */
export interface ResumeRecord {
  /** Identity of the plan that ran ({@link planIdentity}). */
  readonly plan: string;
  /** Human-readable name of that plan (`production`, `production rollback from 02-switch`). */
  readonly title: string;
  /** Folder of the last phase whose gates all passed; empty when none. */
  readonly completed: string;
  /** Folder of a phase that was applied but whose gates have not all passed; empty when none. */
  readonly applying: string;
  /** Whether the plan's last phase completed. */
  readonly finished: boolean;
}

/** One file of a plan folder as the identity hashes it. */
export interface PlanFileContent {
  /** Path relative to the plan folder, with `/` (`plan.json`, `01-prepare/coffee-shop.k8s.yaml`). */
  readonly path: string;
  /** The file's bytes. */
  readonly content: Uint8Array;
}

/** Prefix of a plan identity ({@link planIdentity}); identities of earlier versions begin `sha256-`. */
export const IDENTITY_PREFIX = 'files-sha256-';

/**
 * Identity of a plan: computed from the bytes of plan.json and of every phase file, so that a record
 * written by another plan (another release, a changed image tag, an edited phase file) is never taken for
 * this one's progress. Defined so that POSIX sh computes it too (apply-body.sh, `plan_identity`): the
 * lines `SHA256  PATH` of `sha256sum` for the files sorted by path in byte order (LC_ALL=C), hashed
 * again; the first 20 hex digits after {@link IDENTITY_PREFIX}.
 */
export function planIdentity(files: readonly PlanFileContent[]): string {
  return listingIdentity(fileListing(files));
}

/** The lines `SHA256  PATH` of the files, sorted by path in byte order: what {@link planIdentity} hashes. */
export function fileListing(files: readonly PlanFileContent[]): string[] {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return sorted.map((file) => `${createHash('sha256').update(file.content).digest('hex')}  ${file.path}`);
}

/** The identity of a {@link fileListing}. */
export function listingIdentity(listing: readonly string[]): string {
  return `${IDENTITY_PREFIX}${createHash('sha256').update(listing.map((line) => `${line}\n`).join('')).digest('hex').slice(0, 20)}`;
}

/** The paths whose line differs between two listings (changed, added or removed files), in byte order. */
export function changedPaths(before: readonly string[], after: readonly string[]): string[] {
  const [a, b] = [new Set(before), new Set(after)];
  const paths = [...before.filter((line) => !b.has(line)), ...after.filter((line) => !a.has(line))].map((line) => line.slice(line.indexOf('  ') + 2));
  return [...new Set(paths)].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
}

/** Whether a record's plan identity was computed by a version before {@link planIdentity} hashed the files (`sha256-` + 20 hex digits). */
export function isEarlierIdentity(identity: string): boolean {
  return /^sha256-[0-9a-f]{20}(\/|$)/.test(identity);
}

/** Name of the record ConfigMap of an environment. */
export function recordName(environment: string): string {
  return `phased-rollout-${environment}`;
}

/**
 * jsonpath that prints the record as `plan|completed|applying|finished` (empty for a missing record,
 * with `--ignore-not-found`): one line that both the CLI and POSIX sh can split.
 */
export const RECORD_JSONPATH = 'jsonpath={.data.plan}|{.data.completed}|{.data.applying}|{.data.finished}';

/** kubectl arguments that print an environment's record as {@link RECORD_JSONPATH} says (nothing when there is none). */
export function recordReadArgs(plan: { readonly environment: string; readonly namespace: string }): string[] {
  return [REQUEST_TIMEOUT, 'get', 'configmap', recordName(plan.environment), '-n', plan.namespace, '--ignore-not-found', '-o', RECORD_JSONPATH];
}

/** Parses what {@link RECORD_JSONPATH} printed; undefined when there is no record. */
export function parseRecordLine(line: string): Omit<ResumeRecord, 'title'> | undefined {
  const [plan = '', completed = '', applying = '', finished = ''] = line.trim().split('|');
  if (plan === '') return undefined;
  return { plan, completed, applying, finished: finished === 'true' };
}

/** A record's ConfigMap data: every field as a string (apply.sh passes printf placeholders). */
export type RecordData = { readonly [K in keyof ResumeRecord]: string };

/** The data of a record. */
export function recordData(record: ResumeRecord): RecordData {
  return { ...record, finished: String(record.finished) };
}

/**
 * A ConfigMap the executors keep in the environment's namespace (the record, the lock), as one line of JSON
 * for kubectl's standard input; `data` is written in the order given (apply.sh fills it in with printf).
 */
export function configMapLine(name: string, namespace: string, data: Readonly<Record<string, string>>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { ...MANAGED_BY } }, data });
}

/** The ConfigMap holding a record, as one line of JSON for `kubectl apply -f -`. */
export function recordManifest(environment: string, namespace: string, data: RecordData): string {
  return configMapLine(recordName(environment), namespace,
    { plan: data.plan, title: data.title, completed: data.completed, applying: data.applying, finished: data.finished });
}
