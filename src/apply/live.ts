/**
 * The live state is a phase: before a phase is applied, what the cluster holds of the objects that the
 * phase and the one before it manage is read in one kubectl call, turned into the objects the verifier
 * reads, and verified as the phase `live` -> the phase. `apply`, `rollback`, `promote`, `verify --live`,
 * `plan --live` and `status` judge the live state here; apply.sh, which cannot run the verifier, checks the
 * same equalities with `kubectl diff` and prints the same messages ({@link LIVE_MESSAGES}).
 *
 * What the live objects are compared as: the live object restricted to the fields the phase files set
 * (the applied configuration). The server adds defaults (a Deployment's strategy, revisionHistoryLimit, a
 * container's imagePullPolicy), its own fields (uid, resourceVersion, managedFields, status) and
 * annotations; none of them is in a phase file, so none is kept, and none can look like an in-place
 * update. A field a phase file sets that someone changed (`kubectl scale`, `kubectl set image`, an edit) is
 * kept with its live value: that is drift. Fields that only others set, and no phase file names, are not
 * seen: server-side apply keeps them too, and `kubectl diff` does not show them either.
 */
import { join } from 'node:path';
import { counted } from '../format';
import { identityKey, isMapping, KubeObject, resourceName } from '../manifest';
import { PhaseGates } from '../plan/plan-file';
import { sameObject } from '../model';
import { PhaseManifest, SafetyFinding, verifyPhases } from '../verify';
import { ApplyFailure } from './errors';
import { commandLine, KUBECTL, REQUEST_TIMEOUT } from './kubectl';
import type { PlanDirectory } from './plan-dir';
import { ClusterSession, seconds } from './session';

/** How the live state reads in findings and messages. */
export const LIVE_LABEL = 'live';

/** kubectl arguments that read the live objects the files of `folders` name (absent ones are left out), as JSON. */
export function liveReadArgs(folders: readonly string[]): string[] {
  return [REQUEST_TIMEOUT, 'get', ...folders.flatMap((folder) => ['-f', folder]), '-o', 'json', '--ignore-not-found'];
}

/** The objects of `kubectl get -o json` output: one object, a List of them, or nothing. */
export function parseLiveObjects(stdout: string): KubeObject[] {
  if (stdout.trim() === '') return [];
  const read = JSON.parse(stdout) as KubeObject & { readonly items?: KubeObject[] };
  return read.kind === 'List' ? read.items ?? [] : [read];
}

type Json = unknown;

/**
 * `live` restricted to the fields that at least one of `references` sets: mappings to their keys, lists item
 * by item (an item no reference has is kept whole), anything else as it is.
 */
export function appliedFields(live: Json, references: readonly Json[]): Json {
  if (Array.isArray(live)) {
    const lists = references.filter((reference): reference is readonly Json[] => Array.isArray(reference));
    if (lists.length === 0) return live;
    return (live as readonly Json[]).map((item, i) => {
      const items = lists.filter((list) => i < list.length).map((list) => list[i]);
      return items.length === 0 ? item : appliedFields(item, items);
    });
  }
  if (!isMapping(live)) return live;
  const mappings = references.filter(isMapping);
  if (mappings.length === 0) return live;
  const kept: Record<string, Json> = {};
  for (const key of new Set(mappings.flatMap((m) => Object.keys(m)))) {
    if (live[key] !== undefined) kept[key] = appliedFields(live[key], mappings.map((m) => m[key]).filter((v) => v !== undefined));
  }
  return kept;
}

/**
 * The live state as the verifier reads it, from the objects read and the phases whose files named them (the
 * phase before first). A live object equal to a phase's file on the fields that file sets is that file's
 * object (so that equality with a phase is exact); any other is restricted to the fields either file sets.
 */
export function liveState(read: readonly KubeObject[], phases: readonly (readonly KubeObject[])[]): KubeObject[] {
  const byKey = phases.map((objects) => new Map(objects.map((object) => [identityKey(object), object])));
  const seen = new Set<string>();
  const state: KubeObject[] = [];
  for (const live of read) {
    const key = identityKey(live);
    if (seen.has(key)) continue; // named by both folders
    seen.add(key);
    const files = byKey.map((objects) => objects.get(key)).filter((object) => object !== undefined);
    const same = files.find((file) => sameObject(appliedFields(live, [file]), file));
    state.push(same ?? (appliedFields(live, files) as KubeObject));
  }
  return state;
}

/** One field that differs between a live object and a phase's file. */
export interface FieldDifference {
  /** `spec.replicas`, `spec.template.spec.containers[0].image`. */
  readonly path: string;
  /** The live value; absent when the live object lacks the field. */
  readonly live?: Json;
  /** The phase's value; absent when the phase lacks the field. */
  readonly phase?: Json;
}

/** An object whose live state differs from a phase's file. */
export interface ObjectDifference {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** `absent`: the phase has it, the cluster does not; `extra`: the cluster has it, the phase does not; else the fields. */
  readonly status: 'absent' | 'extra' | 'changed';
  /** The fields that differ (the first few), for `changed`. */
  readonly fields: readonly FieldDifference[];
}

/** How many fields of one object a difference lists. */
const SHOWN_FIELDS = 5;

function fieldDifferences(live: Json, phase: Json, path: string, out: FieldDifference[]): void {
  if (out.length >= SHOWN_FIELDS || sameObject(live, phase)) return;
  if (isMapping(live) && isMapping(phase)) {
    for (const key of new Set([...Object.keys(phase), ...Object.keys(live)])) fieldDifferences(live[key], phase[key], path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(live) && Array.isArray(phase) && live.length === phase.length) {
    live.forEach((item, i) => fieldDifferences(item, phase[i], `${path}[${i}]`, out));
  } else {
    out.push({ path, ...(live === undefined ? {} : { live }), ...(phase === undefined ? {} : { phase }) });
  }
}

/** Which objects of the live state differ from a phase's objects, and how (empty: the cluster holds the phase). */
export function liveDifferences(live: readonly KubeObject[], phase: readonly KubeObject[]): ObjectDifference[] {
  const liveByKey = new Map(live.map((object) => [identityKey(object), object]));
  const phaseKeys = new Set(phase.map((object) => identityKey(object)));
  const differences: ObjectDifference[] = [];
  for (const object of phase) {
    const found = liveByKey.get(identityKey(object));
    if (found === undefined) {
      differences.push({ object: resourceName(object), status: 'absent', fields: [] });
    } else if (!sameObject(found, object)) {
      const fields: FieldDifference[] = [];
      fieldDifferences(found, object, '', fields);
      differences.push({ object: resourceName(object), status: 'changed', fields });
    }
  }
  for (const object of live) if (!phaseKeys.has(identityKey(object))) differences.push({ object: resourceName(object), status: 'extra', fields: [] });
  return differences;
}

/** How many differing objects a message lists. */
const SHOWN_OBJECTS = 10;

/** Differences as indented lines naming the object, the field, the live value and `label`'s. */
export function formatDifferences(differences: readonly ObjectDifference[], label: string): string[] {
  const value = (v: Json) => (v === undefined ? 'absent' : JSON.stringify(v));
  const lines = differences.slice(0, SHOWN_OBJECTS).flatMap((difference) => {
    if (difference.status === 'absent') return [`  ${difference.object}: absent from the cluster, in ${label}`];
    if (difference.status === 'extra') return [`  ${difference.object}: in the cluster, not in ${label}`];
    return difference.fields.map((f) => `  ${difference.object}: ${f.path}: live ${value(f.live)}, ${label} ${value(f.phase)}`);
  });
  if (differences.length > SHOWN_OBJECTS) lines.push(`  and ${differences.length - SHOWN_OBJECTS} more objects`);
  return lines;
}

/** The phases a live check compares the cluster with. */
export interface LiveCheckPhases {
  /** The phase applied before, with the gates that held after it; absent before the first phase of a plan. */
  readonly previous?: PhaseManifest;
  /** The phase about to be applied. */
  readonly next: PhaseManifest;
}

/** What the live state is, relative to the phase before and the phase about to be applied. */
export type LiveVerdict =
  /** The cluster holds the phase before (before the first phase: none of its objects, a first install). */
  | { readonly kind: 'at-previous' }
  /** The cluster already holds the phase about to be applied (a resume after its apply). */
  | { readonly kind: 'at-next' }
  /** Before the first phase: neither, but live -> the phase is safe (`phased-rollout` only; apply.sh stops). */
  | { readonly kind: 'reachable'; readonly differences: readonly ObjectDifference[] }
  /** Neither, between two phases: something changed the objects since the phase before was applied. */
  | { readonly kind: 'drifted'; readonly differences: readonly ObjectDifference[] }
  /** live -> the phase drops requests: the verifier's findings, and how the cluster differs from the phase. */
  | { readonly kind: 'unsafe'; readonly findings: readonly SafetyFinding[]; readonly differences: readonly ObjectDifference[] };

/**
 * Judges the live state (pure): equal to `next` or to `previous`, else the verifier on live -> next (its
 * transition findings; live has the gates that held after `previous`), else drifted (or, before a plan's
 * first phase, reachable).
 */
export function judgeLive(live: readonly KubeObject[], phases: LiveCheckPhases): LiveVerdict {
  const { previous, next } = phases;
  const fromNext = liveDifferences(live, next.objects);
  if (fromNext.length === 0) return { kind: 'at-next' };
  const fromPrevious = liveDifferences(live, previous?.objects ?? []);
  // The cluster holds the phase before: live -> next is the plan's own transition, which verify proves.
  if (fromPrevious.length === 0) return { kind: 'at-previous' };
  const liveManifest: PhaseManifest = { name: LIVE_LABEL, path: LIVE_LABEL, objects: live, gates: previous?.gates };
  // The phase's own findings are verify's and synthesis's; here: what applying it to this cluster does.
  const findings = live.length === 0 ? [] : verifyPhases([liveManifest, next]).filter((finding) => finding.transition !== undefined);
  if (findings.length > 0) return { kind: 'unsafe', findings, differences: fromNext };
  return previous === undefined ? { kind: 'reachable', differences: fromNext } : { kind: 'drifted', differences: fromPrevious };
}

/**
 * The messages of a live check, shared with apply.sh (which fills them with printf): `where` is
 * `production: phase 02-switch`, folders are phase folders, `command` is the kubectl apply of a folder.
 */
export const LIVE_MESSAGES = {
  /** Between two phases, the cluster holds neither. */
  drifted: (where: string, previous: string, next: string) =>
    `${where}: the live objects match neither ${previous} (applied before) nor ${next}: stopped before applying ${next}`,
  /** What to do about drift. */
  restore: (previous: string, command: string, resume: string) =>
    `restore the objects of ${previous} (${command}) or find out who changed them, then continue with: ${resume}`,
  /** Before the first phase, the cluster holds some of its objects, not equal to it. */
  notFirstInstall: (where: string, next: string) =>
    `${where}: the live objects are neither absent (a first install) nor equal to ${next}: stopped before applying ${next}`,
  /** live -> the phase drops requests. */
  unsafe: (where: string, next: string) => `${where}: live -> ${next} is unsafe: stopped before applying ${next}`,
  /** What to do when the plan does not start from what runs. */
  replan: (resume: string) =>
    `the plan must start from what the cluster runs: correct the matrix (the release's from or version, the version's image) and synthesize again; then: ${resume}`,
} as const;

/** A verdict that stops a run, as its message; undefined when the phase may be applied. */
export function liveStopMessage(verdict: LiveVerdict, context: { readonly where: string; readonly previous?: string; readonly next: string; readonly restoreCommand: string; readonly resume: string }): string | undefined {
  const { where, previous, next, resume } = context;
  switch (verdict.kind) {
    case 'at-previous':
    case 'at-next':
    case 'reachable':
      return undefined;
    case 'drifted':
      return [
        LIVE_MESSAGES.drifted(where, previous!, next),
        ...formatDifferences(verdict.differences, previous!),
        LIVE_MESSAGES.restore(previous!, context.restoreCommand, resume),
      ].join('\n');
    case 'unsafe':
      return [
        LIVE_MESSAGES.unsafe(where, next),
        ...verdict.findings.map((f) => `  ${f.rule}: ${f.object}: ${f.message}`),
        `the live objects that differ from ${next}:`,
        ...formatDifferences(verdict.differences, next),
        previous === undefined ? LIVE_MESSAGES.replan(resume) : LIVE_MESSAGES.restore(previous, context.restoreCommand, resume),
      ].join('\n');
  }
}

/** The phase of a plan folder whose folder is `folder`. */
function phaseAt(planDir: PlanDirectory, folder: string): PhaseManifest {
  return planDir.phases[planDir.plan.phases.findIndex((phase) => phase.path === folder)];
}

/** Where a live check runs: before applying `next`, with `previous` applied before it. */
export interface LiveCheckPlace {
  /** `production: phase 02-switch`, the start of every message. */
  readonly where: string;
  /** The folder applied before `next`; absent before a plan's first phase. */
  readonly previous?: string;
  /** The folder about to be applied. */
  readonly next: string;
  /** The command that continues the run here. */
  readonly resume: string;
  /** The gates that held after `previous` (a rollback step's own); default: those of its forward phase. */
  readonly previousGates?: PhaseGates;
}

/** The result of reading the live objects of some phase folders. */
export interface LiveRead {
  /** The objects as the cluster returned them (with its defaults and fields). */
  readonly read: readonly KubeObject[];
  /** The live state as the verifier reads it ({@link liveState}). */
  readonly state: readonly KubeObject[];
  /** The phases of the folders, in the order given. */
  readonly phases: readonly PhaseManifest[];
}

/**
 * Reads what the cluster holds of the objects the files of `folders` name, in one kubectl call; a failed
 * call is an ApplyFailure that names `where` and says how to continue.
 */
export async function readLiveState(session: ClusterSession, planDir: PlanDirectory, folders: readonly string[], where: string, resume: string): Promise<LiveRead> {
  const unique = [...new Set(folders)];
  const args = liveReadArgs(unique.map((folder) => join(planDir.dir, folder)));
  const result = await session.read(args);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join('\n  ');
    throw new ApplyFailure(`${where}: cannot read the live objects (exit ${result.code}): ${commandLine('kubectl', session.args(args))}` +
      `${detail ? `\n  ${detail}` : ''}\nresume with: ${resume}`);
  }
  const phases = unique.map((folder) => phaseAt(planDir, folder));
  const read = parseLiveObjects(result.stdout);
  return { read, state: liveState(read, phases.map((phase) => phase.objects)), phases };
}

/** Reads the live state of `previous` and `next` from the cluster (one kubectl call) and judges it. */
export async function readLive(session: ClusterSession, planDir: PlanDirectory, place: LiveCheckPlace): Promise<LiveVerdict> {
  const folders = [...(place.previous === undefined ? [] : [place.previous]), place.next];
  const { state, phases } = await readLiveState(session, planDir, folders, place.where, place.resume);
  const previous = place.previous === undefined ? undefined : { ...phases[0], gates: place.previousGates ?? phases[0].gates };
  return judgeLive(state, { previous, next: phases.at(-1)! });
}

/** The command that restores the objects of `folder`: its server-side apply, as the executors run it. */
export function restoreCommand(session: ClusterSession, planDir: PlanDirectory, folder: string): string {
  return commandLine('kubectl', session.args(KUBECTL.apply(join(planDir.dir, folder))));
}

/** Stops unless the live state is allowed before `place.next` ({@link liveStopMessage}); says what it found otherwise. */
export function liveFound(verdict: LiveVerdict, session: ClusterSession, planDir: PlanDirectory, place: LiveCheckPlace): string {
  const restore = place.previous === undefined ? '' : restoreCommand(session, planDir, place.previous);
  const stop = liveStopMessage(verdict, { ...place, restoreCommand: restore });
  if (stop !== undefined) throw new ApplyFailure(stop);
  return verdict.kind === 'at-next' ? `the cluster already holds ${place.next}`
    : verdict.kind === 'reachable' ? `the cluster differs from ${place.next} in ${counted(verdict.differences.length, 'object')}, and live -> ${place.next} is safe`
      : place.previous === undefined ? 'none of its objects in the cluster (a first install)' : `the cluster holds ${place.previous}`;
}

/**
 * Before applying `next`: stops the run (ApplyFailure, exit 1) unless the cluster holds the phase before,
 * already holds `next`, or (before a plan's first phase) reaches `next` safely. Not in a dry run, which
 * only prints what the run would do.
 */
export async function checkLive(session: ClusterSession, planDir: PlanDirectory, place: LiveCheckPlace, print: (line: string) => void, now: () => number): Promise<void> {
  if (session.dryRun) return;
  const started = now();
  const found = liveFound(await readLive(session, planDir, place), session, planDir, place);
  print(`  live: ${found} (${seconds(now() - started)})`);
}
