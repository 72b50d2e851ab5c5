/**
 * What is live in an environment (`phased-rollout status`): the phase the resume record names, whether the
 * cluster holds that phase's files (the objects that differ), the live traffic split per VirtualService,
 * and the next command. Reads the cluster twice (the record, then the phase's objects); never writes.
 */
import { join } from 'node:path';
import { KubeObject, resourceName } from '../manifest';
import { isKind } from '../model';
import { ApplyFailure } from './errors';
import { decideStart, forwardSequence, readRecord } from './engine';
import { formatDifferences, liveDifferences, liveFound, liveReadArgs, liveState, ObjectDifference, parseLiveObjects, readLive, readLiveState, restoreCommand } from './live';
import { PlanDirectory } from './plan-dir';
import { parseRecordLine, recordReadArgs, ResumeRecord } from './record';
import { rollbackIdentity } from './rollback';
import { ClusterSession } from './session';
import { planSteps } from './steps';

/** The state of an environment, for pipelines: each has its exit code ({@link STATUS_EXIT_CODES}). */
export type EnvironmentState = 'in-sync' | 'drifted' | 'in-progress' | 'unreachable';

/** Exit code of `phased-rollout status` per state (1 stays a failed command, 2 unusable input). */
export const STATUS_EXIT_CODES: Readonly<Record<EnvironmentState, number>> = { 'in-sync': 0, drifted: 3, 'in-progress': 4, unreachable: 5 };

/** One destination of a live route, with its weight in percent. */
export interface LiveDestination {
  /** `coffee-shop` (the host as the VirtualService writes it). */
  readonly host: string;
  /** The subset, when the route names one. */
  readonly subset?: string;
  /** Percent of the route's requests (100 for a route's only destination without a weight). */
  readonly weight: number;
}

/** The traffic split of one live VirtualService: per HTTP route, its destinations. */
export interface LiveTraffic {
  /** `VirtualService namespace/name`. */
  readonly virtualService: string;
  /** Per HTTP route, in order. */
  readonly routes: readonly (readonly LiveDestination[])[];
}

/** What `status` reports. */
export interface EnvironmentStatus {
  /** Environment name. */
  readonly environment: string;
  /** The state, decided in this order: unreachable, drifted, in progress, in sync. */
  readonly state: EnvironmentState;
  /** What the record says, in words (`02-switch completed`, `no record: nothing applied`). */
  readonly recorded: string;
  /** The resume record, when there is one. */
  readonly record?: Omit<ResumeRecord, 'title'>;
  /** The phase folder the cluster should hold per the record; absent before any phase. */
  readonly phase?: string;
  /** The objects that differ from that phase (before any phase: from none, i.e. those present). */
  readonly differences: readonly ObjectDifference[];
  /** The live traffic split of the phase's VirtualServices. */
  readonly traffic: readonly LiveTraffic[];
  /** What to run next. */
  readonly next: string;
  /** Why the cluster could not be read, when unreachable. */
  readonly error?: string;
}

/** The traffic split of the live VirtualServices among `objects` (as read, not restricted to the files' fields). */
export function liveTraffic(objects: readonly KubeObject[]): LiveTraffic[] {
  return objects.filter((object) => isKind(object, 'VirtualService')).map((object) => {
    const http = ((object as { spec?: { http?: unknown } }).spec?.http ?? []) as { route?: { destination?: { host?: string; subset?: string }; weight?: number }[] }[];
    return {
      virtualService: resourceName(object),
      routes: http.map((route) => (route.route ?? []).map((r, _, all) => ({
        host: r.destination?.host ?? '',
        ...(r.destination?.subset === undefined ? {} : { subset: r.destination.subset }),
        weight: r.weight ?? (all.length === 1 ? 100 : 0),
      }))),
    };
  });
}

/** Commands for next steps, as the user types them. */
export interface StatusCommands {
  /** `phased-rollout apply dist/production` (with --context when given). */
  readonly apply: string;
  /** `phased-rollout rollback dist/production`. */
  readonly rollback: string;
}

/** Where the record says the environment is: the phase folder, and whether a run is under way or stopped part-way. */
function recordedPhase(planDir: PlanDirectory, record: Omit<ResumeRecord, 'title'> | undefined, commands: StatusCommands) {
  const { plan, identity } = planDir;
  const baseline = plan.phases[0].path;
  if (!record) return { recorded: 'no record: no phase applied', phase: undefined, inProgress: false, next: `apply: ${commands.apply}` };
  if (record.plan === identity) {
    const at = record.applying || record.completed;
    const recorded = record.applying ? `${record.applying} applied, its gates not passed` : `${record.completed || 'no phase'} completed`;
    if (record.finished) return { recorded: `${recorded}: the release is complete`, phase: at, inProgress: false, next: `nothing to apply; to undo the release: ${commands.rollback}` };
    const steps = forwardSequence(planDir).steps;
    const following = record.applying || steps[steps.findIndex((s) => s.label === record.completed) + 1]?.label || baseline;
    return { recorded, phase: at || undefined, inProgress: true, next: `resume: ${commands.apply} (continues at ${following}), or roll back: ${commands.rollback}` };
  }
  const rolledBackFrom = plan.phases.find((phase) => rollbackIdentity(identity, phase.path) === record.plan);
  if (rolledBackFrom) {
    const steps = planSteps(plan).rollbacks.get(rolledBackFrom.path) ?? [];
    const at = record.applying || record.completed;
    const folder = steps.find((s) => s.label === at)?.path ?? rolledBackFrom.path;
    if (record.finished) return { recorded: `rolled back from ${rolledBackFrom.path}: at the baseline`, phase: baseline, inProgress: false, next: `apply again: ${commands.apply} --from ${baseline}` };
    return { recorded: `rollback from ${rolledBackFrom.path} stopped at step ${at || 'none'}`, phase: folder, inProgress: true, next: `resume the rollback: ${commands.rollback}` };
  }
  if (record.finished) {
    // Another plan finished: its end should be this plan's baseline.
    return { recorded: `another plan (${record.plan}) finished`, phase: baseline, inProgress: false, next: `apply: ${commands.apply}` };
  }
  return { recorded: `another plan (${record.plan}) is in progress`, phase: undefined, inProgress: true, next: 'finish or roll back the plan in flight first (its own folder)' };
}

/** Reads the record and the recorded phase's live objects, and judges them. */
export async function environmentStatus(session: ClusterSession, planDir: PlanDirectory, commands: StatusCommands): Promise<EnvironmentStatus> {
  const { plan } = planDir;
  const environment = plan.environment;
  const unreachable = (what: string, error: string): EnvironmentStatus => ({
    environment, state: 'unreachable', recorded: 'unknown', differences: [], traffic: [], error: `${what}: ${error}`,
    next: 'check the context and the credentials (kubectl cluster-info), then run status again',
  });
  const readRecord = await session.read(recordReadArgs(plan));
  if (readRecord.code !== 0) return unreachable(`cannot read the resume record (exit ${readRecord.code})`, readRecord.stderr.trim());
  const record = parseRecordLine(readRecord.stdout);
  const where = recordedPhase(planDir, record, commands);
  // Before any phase, the first phase's objects must be absent.
  const folder = where.phase ?? plan.phases[0].path;
  const index = plan.phases.findIndex((phase) => phase.path === folder);
  const read = await session.read(liveReadArgs([join(planDir.dir, folder)]));
  if (read.code !== 0) return unreachable(`cannot read the live objects (exit ${read.code})`, read.stderr.trim());
  const objects = parseLiveObjects(read.stdout);
  const expected = where.phase === undefined ? [] : planDir.phases[index].objects;
  const differences = liveDifferences(liveState(objects, [planDir.phases[index].objects]), expected);
  const drifted = differences.length > 0;
  return {
    environment,
    state: drifted ? 'drifted' : where.inProgress ? 'in-progress' : 'in-sync',
    recorded: where.recorded,
    ...(record ? { record } : {}),
    ...(where.phase ? { phase: where.phase } : {}),
    differences,
    traffic: liveTraffic(objects),
    next: drifted
      ? `the cluster drifted from ${where.phase ?? 'no phase (some objects of the first phase are present)'}: restore the objects (kubectl apply the phase folder) or find out who changed them; then: ${where.next}`
      : where.next,
  };
}

/**
 * `verify --live`, `plan --live`: the live check that apply runs before the next phase per the record, on
 * demand (nothing is applied). Returns what it found; throws ApplyFailure (exit 1) with apply's message when
 * apply would stop. A finished release: the cluster must hold the last phase.
 */
export async function verifyLive(session: ClusterSession, planDir: PlanDirectory, resumeCommand: (phase: string) => string): Promise<string> {
  const { plan } = planDir;
  const environment = plan.environment;
  const sequence = forwardSequence(planDir);
  const decision = decideStart(sequence, await readRecord(session, plan));
  if ('done' in decision) {
    const last = sequence.steps[sequence.steps.length - 1].path;
    const { state, phases } = await readLiveState(session, planDir, [last], `${environment}: phase ${last}`, resumeCommand(last));
    const differences = liveDifferences(state, phases[0].objects);
    if (differences.length === 0) return `${environment}: every phase is applied and the cluster holds ${last}, the last`;
    throw new ApplyFailure([
      `${environment}: every phase is applied, but the live objects differ from ${last}, the last:`,
      ...formatDifferences(differences, last),
      `restore them (${restoreCommand(session, planDir, last)}) or find out who changed them`,
    ].join('\n'));
  }
  const { steps } = sequence;
  const next = steps[decision.start];
  const previous = decision.start > 0 ? steps[decision.start - 1] : undefined;
  const place = { where: `${environment}: phase ${next.label}`, previous: previous?.path, previousGates: previous?.gates, next: next.path, resume: resumeCommand(next.label) };
  const found = liveFound(await readLive(session, planDir, place), session, planDir, place);
  return `${environment}: live -> ${next.path}: safe to apply (${found}${previous ? ', as the record says' : ''})`;
}
