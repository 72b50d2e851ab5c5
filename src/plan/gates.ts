/**
 * Gates and removals derived from what actually changes between two rendered states, so that they
 * cannot disagree with the files. One derivation for the forward phases and the rollback steps.
 */
import { byIdentity, identityKey, KubeObject, ObjectRef, refOf } from '../manifest';
import { autoscalerOf, sameObject, templateOf } from '../model';
import { DEFAULT_GATES, Environment, Gates, isRelease } from '../matrix/model';
import type { PhaseGates } from './plan-types';

const ISTIO_NETWORKING = 'networking.istio.io/';

/** What the gates after a state change depend on besides the two states. */
interface GateContext {
  /** Whether the state is a canary step (it is observed before moving on). */
  readonly observe: boolean;
  /** Whether the next state removes something, or replaces a Deployment's pods (clients must drain first). */
  readonly nextRemoves: boolean;
}

/** What to delete after applying a state, and what must hold before the next one. */
export interface Step {
  /** Objects of the previous state that this one no longer has. */
  readonly removes: readonly ObjectRef[];
  /** Gates after applying this state. */
  readonly gates: PhaseGates;
}

/**
 * The removals and gates of each state of a sequence (forward phases, or a rollback's steps), each after
 * the one before it; the first follows nothing. `observe(i)`: whether state `i` is observed before moving on.
 */
export function stepsOf(env: Environment, states: readonly (readonly KubeObject[])[], observe: (index: number) => boolean): Step[] {
  const nothing: readonly KubeObject[] = [];
  const removes = states.map((objects, i) => (i === 0 ? [] : removals(states[i - 1], objects)));
  const removesPods = (i: number) => i < states.length && (removes[i].length > 0 || changes(states[i - 1], states[i]).replacedDeployments.length > 0);
  return states.map((objects, i) => ({
    removes: removes[i],
    gates: gatesBetween(env, i === 0 ? nothing : states[i - 1], objects, { observe: observe(i), nextRemoves: removesPods(i + 1) }),
  }));
}

/** What changes from one state to the next, each part derived when first asked for. */
interface StateDiff {
  /** Objects of the previous state that the next one no longer has. */
  removed?: readonly ObjectRef[];
  /**
   * Deployments the next state creates, those whose pod template it changes (their rolling update replaces the
   * pods: only adoption replaces a running Deployment in place, while nothing routes to it), Istio networking
   * objects it creates or changes, and Deployments whose autoscaler it creates or raises the minReplicas of.
   */
  changes?: {
    readonly newDeployments: readonly ObjectRef[];
    readonly replacedDeployments: readonly ObjectRef[];
    readonly changedIstio: readonly ObjectRef[];
    /** Deployments whose autoscaler the next state creates or raises the minReplicas of, with that minReplicas. */
    readonly raisedCapacity: readonly { readonly deployment: ObjectRef; readonly replicas: number }[];
  };
}

/** Diffs by pair of object lists: rollback steps move between the same forward states again and again. */
const diffs = new WeakMap<readonly KubeObject[], WeakMap<readonly KubeObject[], StateDiff>>();

function diff(previous: readonly KubeObject[], current: readonly KubeObject[]): StateDiff {
  let byCurrent = diffs.get(previous);
  if (byCurrent === undefined) diffs.set(previous, (byCurrent = new WeakMap()));
  let result = byCurrent.get(current);
  if (result === undefined) byCurrent.set(current, (result = {}));
  return result;
}

/** Objects of `previous` that `current` no longer has: to delete after applying `current`. */
export function removals(previous: readonly KubeObject[], current: readonly KubeObject[]): readonly ObjectRef[] {
  const after = byIdentity(current);
  return (diff(previous, current).removed ??= previous.filter((o) => !after.has(identityKey(o))).map(refOf));
}

function changes(previous: readonly KubeObject[], current: readonly KubeObject[]): NonNullable<StateDiff['changes']> {
  const pair = diff(previous, current);
  if (pair.changes) return pair.changes;
  const before = byIdentity(previous);
  // Most objects are the very same object in both states: only the others need a lookup by identity.
  const kept = new Set(previous);
  const changed = (o: KubeObject) => !kept.has(o) && !sameObject(o, before.get(identityKey(o)));
  const replaced = (o: KubeObject) => {
    const old = before.get(identityKey(o));
    return old !== undefined && !sameObject(templateOf(o), templateOf(old));
  };
  return (pair.changes = {
    newDeployments: current.filter((o) => o.kind === 'Deployment' && !kept.has(o) && !before.has(identityKey(o))).map(refOf),
    replacedDeployments: current.filter((o) => o.kind === 'Deployment' && !kept.has(o) && replaced(o)).map(refOf),
    changedIstio: current.filter((o) => o.apiVersion.startsWith(ISTIO_NETWORKING) && changed(o)).map(refOf),
    raisedCapacity: raisedCapacity(current.filter((o) => o.kind === 'HorizontalPodAutoscaler' && changed(o)), before),
  });
}

/**
 * The Deployments of `autoscalers` (created or changed) pinned at their maxReplicas (minReplicas = maxReplicas) with a
 * minReplicas new or higher than in `before`: the count is then exact, which is what `kubectl wait` can wait for
 * (an HPA between its bounds may run more pods than minReplicas, and no executor should wait for fewer).
 */
function raisedCapacity(autoscalers: readonly KubeObject[], before: ReadonlyMap<string, KubeObject>): NonNullable<StateDiff['changes']>['raisedCapacity'] {
  return autoscalers.flatMap((object) => {
    const previous = before.get(identityKey(object));
    const { target, minReplicas, maxReplicas } = autoscalerOf(object);
    if (minReplicas !== maxReplicas || (previous !== undefined && autoscalerOf(previous).minReplicas >= minReplicas)) return [];
    return [{ deployment: target, replicas: minReplicas }];
  });
}

/**
 * Gates after moving from `previous` to `current`: `rollout` for Deployments it creates, `capacity` for the
 * Deployments whose autoscaler it creates or raises to maxReplicas (src/plan/capacity.ts), `propagation`
 * for Istio networking objects it creates or changes, `observe` for canary steps, `drain` when the next
 * state removes something. Durations are the largest of the environment's releases (each release's own, or
 * the defaults it was given), the defaults when nothing is released.
 */
function gatesBetween(env: Environment, previous: readonly KubeObject[], current: readonly KubeObject[], context: GateContext): PhaseGates {
  const released = env.rollouts.filter(isRelease);
  const maxOf = (pick: (g: Gates) => number) => (released.length === 0 ? pick(DEFAULT_GATES) : Math.max(...released.map((r) => pick(r.gates))));
  const { newDeployments, replacedDeployments, changedIstio, raisedCapacity: raised } = changes(previous, current);
  const rolledOut = [...newDeployments, ...replacedDeployments];
  // A deletion has no status to wait for: when the state only deletes Istio config (a retired service's routes), the gate waits its seconds.
  const propagates = changedIstio.length > 0 || removals(previous, current).some((ref) => ref.apiVersion.startsWith(ISTIO_NETWORKING));
  return {
    ...(rolledOut.length > 0 ? { rollout: { deployments: rolledOut, timeoutSeconds: maxOf((g) => g.rolloutTimeoutSeconds) } } : {}),
    ...(raised.length > 0 ? { capacity: { deployments: raised, timeoutSeconds: maxOf((g) => g.rolloutTimeoutSeconds) } } : {}),
    ...(propagates ? { propagation: { objects: changedIstio, seconds: maxOf((g) => g.propagationSeconds) } } : {}),
    ...(context.observe && maxOf((g) => g.observeSeconds) > 0 ? { observe: { seconds: maxOf((g) => g.observeSeconds) } } : {}),
    ...(context.nextRemoves ? { drain: { seconds: maxOf((g) => g.drainSeconds) } } : {}),
  };
}
