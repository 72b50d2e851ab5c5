/**
 * The resume record: a ConfigMap in the environment's namespace that says which plan ran last and how
 * far it got, so that a rerun continues where the last one stopped. apply.sh reads and writes the same.
 */
import { createHash } from 'node:crypto';
import { MANAGED_BY } from '../constructs/labels';
import { PlanFile } from '../plan/plan-file';

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

/** One phase folder's files, in name order, as the identity hashes them. */
export interface PhaseContent {
  /** Folder name (`NN-name`). */
  readonly path: string;
  /** File name and content, sorted by name. */
  readonly files: readonly { readonly name: string; readonly content: string }[];
}

/**
 * Identity of a plan: a digest of plan.json's contents and of every phase file, so that a record written
 * by another plan (another release, or a changed image tag) is never taken for this one's progress.
 * Hashes the parsed plan, not its text, so that synthesis (which holds the object) and the commands
 * (which read the file) agree however plan.json is indented.
 */
export function planIdentity(plan: PlanFile, phases: readonly PhaseContent[]): string {
  const hash = createHash('sha256').update(JSON.stringify(plan));
  for (const phase of phases) {
    for (const file of phase.files) hash.update(`\0${phase.path}/${file.name}\0`).update(file.content);
  }
  return `sha256-${hash.digest('hex').slice(0, 20)}`;
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

/** The ConfigMap holding a record, as one line of JSON for `kubectl apply -f -`. */
export function recordManifest(environment: string, namespace: string, data: RecordData): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: recordName(environment), namespace, labels: { ...MANAGED_BY } },
    data: { plan: data.plan, title: data.title, completed: data.completed, applying: data.applying, finished: data.finished },
  });
}
