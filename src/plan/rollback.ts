/**
 * Rollback planning (pure): from any phase of an environment's plan back to its baseline, in
 * make-before-break order: bring the old version back (when cleanup removed it) while traffic stays
 * where it is, move all traffic to the old version (subsets kept), then remove the new version last.
 * Every one of these states is a forward state of the same environment, so a rollback is a sequence of
 * existing forward phase folders with gates of its own: no YAML of its own.
 */
import { byIdentity, identityKey, selectorMatches } from '../manifest';
import { podLabelsOf } from '../model';
import { versionLabels } from '../matrix/naming';
import { Environment, isRelease } from '../matrix/model';
import { stepsOf } from './gates';
import type { PlanRollbackStep, RenderedPhase } from './plan-types';
import { Phase, PhaseKind, retiringState, ServiceState, versionsInOrder } from './planner';

/** Name of the rollback of an environment from one of its phases, in messages and in the resume record. */
export function rollbackTitle(environment: string, fromPhase: string): string {
  return `${environment} rollback from ${fromPhase}`;
}

/** Names of the rollback steps, in the order they occur; `restore-<adoption phase>` walks back through the adoption phases, last first. */
export type RollbackStepName = 'reapply' | 'restore-old' | 'revert-traffic' | 'remove-new' | `restore-${string}`;

/** Each phase's versions and routes as text, once per phase: the forward phases are compared again for every phase rolled back from. */
const stateKeys = new WeakMap<Phase, string>();

function sameState(a: Phase, b: Phase): boolean {
  const key = (p: Phase) => {
    let text = stateKeys.get(p);
    if (text === undefined) stateKeys.set(p, (text = JSON.stringify(p.services.map((s) => [s.versions, s.routes]))));
    return text;
  };
  return key(a) === key(b);
}

/**
 * The rollback states from forward phase `from`, each with the forward phase it equals: restore-old
 * is the switch state, revert-traffic the prepare state, remove-new the baseline. The states are
 * derived from the phase rolled back from (not looked up), and a mismatch is a planner bug. A plan that
 * adopts running objects then goes back through its adoption phases, last first (each pair of them is
 * make-before-break both ways), to the running objects as they were.
 */
function rollbackStates(forward: readonly Phase[], from: number): { name: RollbackStepName; index: number }[] {
  const baseline = forward.findIndex((p) => p.kind === 'baseline');
  const floor = adoptionFloor(forward);
  const adoption = (before: number) => {
    const lowest = before >= floor ? floor : 0;
    return forward.slice(lowest, before).map((phase, i): { name: RollbackStepName; index: number } => ({ name: `restore-${phase.name}`, index: lowest + i })).reverse();
  };
  if (from <= baseline) return [{ name: 'reapply', index: from }, ...adoption(from)];
  return [...releaseRollbackStates(forward, from, baseline), ...adoption(baseline)];
}

/**
 * The earliest adoption phase a rollback goes back to once our Deployment runs: the phase that created it, where
 * the subset of a running Deployment also selects its pods (they carry traffic beside the running ones, and
 * removing them would take routed endpoints away); else the first phase.
 */
function adoptionFloor(forward: readonly Phase[]): number {
  const joined = forward.findIndex((phase) => phase.services.some((s) => s.adopting !== undefined && s.versions.length > 0
    && s.adopting.subsets.some((d) => selectorMatches(podLabelsOf(d), versionLabels(s.rollout.service.name, s.rollout.from)))));
  return Math.max(joined, 0);
}

/** The rollback states of the releases, from forward phase `from` back to the baseline at `baseline`. */
function releaseRollbackStates(forward: readonly Phase[], from: number, baseline: number): { name: RollbackStepName; index: number }[] {
  const start = forward[from];
  const released = (state: ServiceState, change: (s: ServiceState) => ServiceState) => (isRelease(state.rollout) ? change(state) : state);
  // A retired service comes back unrouted first (as in the switch phase); the baseline routes to it again.
  const restore: Phase = {
    ...start,
    services: start.services.map((s) => (s.rollout.retiring ? retiringState(s.rollout, false)
      : released(s, () => ({ ...s, versions: versionsInOrder(s.rollout, [...s.versions, s.rollout.from]) })))),
  };
  const revert: Phase = {
    ...start,
    services: restore.services.map((s) => released(s, () => ({ ...s, routes: [{ version: s.rollout.from, weight: 100 }] }))),
  };
  const candidates: [RollbackStepName, Phase, PhaseKind][] = [
    ['reapply', start, start.kind], ['restore-old', restore, 'switch'], ['revert-traffic', revert, 'prepare'], ['remove-new', forward[baseline], 'baseline'],
  ];
  return candidates.filter(([, state], i) => i === 0 || !sameState(candidates[i - 1][1], state)).map(([name, state, kind]) => {
    const index = name === 'reapply' ? from : forward.findIndex((p) => p.kind === kind);
    if (index < 0 || !sameState(state, forward[index])) {
      throw new Error(`rollback from ${start.name}: the ${name} state is not the ${kind} phase's (a planner bug)`);
    }
    return { name, index };
  });
}

/**
 * The steps that take the environment from forward phase `from` (index into `phases`) back to its
 * baseline, each applying a forward phase folder. Removals and gates are derived like the forward
 * plan's, with two differences: step 0 follows an unknown state, so its rollout and capacity gates wait only for
 * the Deployments the rollback keeps (the new version's may never become ready: that can be why the
 * rollback runs); and no step is observed. From the baseline itself: one step, the baseline.
 */
export function planRollback(environment: Environment, phases: readonly RenderedPhase[], from: number): PlanRollbackStep[] {
  if (from < 0 || from >= phases.length) throw new RangeError(`phase index ${from} is not in 0..${phases.length - 1}`);
  const states = rollbackStates(phases.map((p) => p.phase), from);
  const kept = byIdentity(phases[0].objects);
  const steps = stepsOf(environment, states.map((state) => phases[state.index].objects), () => false);
  return states.map((state, i) => {
    const { rollout, capacity, ...rest } = steps[i].gates;
    const waited = i === 0 ? rollout?.deployments.filter((ref) => kept.has(identityKey(ref))) ?? [] : rollout?.deployments ?? [];
    const scaled = i === 0 ? capacity?.deployments.filter((d) => kept.has(identityKey(d.deployment))) ?? [] : capacity?.deployments ?? [];
    return {
      name: state.name,
      path: phases[state.index].path,
      removes: steps[i].removes,
      gates: {
        ...(rollout && waited.length > 0 ? { rollout: { ...rollout, deployments: waited } } : {}),
        ...(capacity && scaled.length > 0 ? { capacity: { ...capacity, deployments: scaled } } : {}),
        ...rest,
      },
    };
  });
}
