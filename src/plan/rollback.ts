/**
 * Rollback planning (pure): from any phase of an environment's plan back to its baseline, through the
 * same state model as the forward plan and in make-before-break order: bring the old version back
 * (when cleanup removed it) while traffic stays where it is, move all traffic to the old version
 * (subsets kept), then remove the new version last.
 */
import { Environment, isRelease } from '../matrix/model';
import { Phase, planEnvironment, ServiceState } from './planner';

function inDeclarationOrder(state: ServiceState, versions: ReadonlySet<string>): string[] {
  return [...state.rollout.service.versions.keys()].filter((v) => versions.has(v));
}

function sameState(a: Phase, b: Phase): boolean {
  const key = (p: Phase) => JSON.stringify(p.services.map((s) => [s.versions, s.routes]));
  return key(a) === key(b);
}

/**
 * The phases that take the environment from the state of forward phase `from` (index) back to its
 * baseline. The first phase is that state (named after it, so the sequence can be verified and resumed
 * from it); phases that would change nothing are left out. From the baseline itself: just the baseline.
 */
export function planRollback(environment: Environment, from: number): Phase[] {
  const forward = planEnvironment(environment);
  if (from < 0 || from >= forward.length) throw new RangeError(`phase index ${from} is not in 0..${forward.length - 1}`);
  const start: Phase = { ...forward[from], kind: 'baseline' };
  const released = (state: ServiceState, change: (s: ServiceState) => ServiceState) => (isRelease(state.rollout) ? change(state) : state);
  const restore: Phase = {
    kind: 'prepare',
    name: 'restore-old',
    services: start.services.map((s) => released(s, () => ({ ...s, versions: inDeclarationOrder(s, new Set([...s.versions, s.rollout.from])) }))),
  };
  const revert: Phase = {
    kind: 'switch',
    name: 'revert-traffic',
    services: restore.services.map((s) => released(s, () => ({ ...s, routes: [{ version: s.rollout.from, weight: 100 }] }))),
  };
  const removeNew: Phase = { ...forward[0], kind: 'cleanup', name: 'remove-new' };
  return [start, restore, revert, removeNew].filter((phase, i, all) => i === 0 || !sameState(all[i - 1], phase));
}
