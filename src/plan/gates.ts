/**
 * Gates and removals derived from what actually changes between two rendered states, so that they
 * cannot disagree with the files. One derivation for the forward phases and the rollback steps.
 */
import { identityKey, KubeObject, ObjectRef, refOf } from '../manifest';
import { DEFAULT_GATES, Environment, Gates, isRelease } from '../matrix/model';
import type { PhaseGates } from './plan-file';

const ISTIO_NETWORKING = 'networking.istio.io/';

/** What the gates after a state change depend on besides the two states. */
export interface GateContext {
  /** Whether the state is a canary step (it is observed before moving on). */
  readonly observe: boolean;
  /** Whether the next state removes something (clients must drain first). */
  readonly nextRemoves: boolean;
}

/** Objects of `previous` that `current` no longer has: to delete after applying `current`. */
export function removals(previous: readonly KubeObject[], current: readonly KubeObject[]): ObjectRef[] {
  const kept = new Set(current.map((o) => identityKey(o)));
  return previous.filter((o) => !kept.has(identityKey(o))).map(refOf);
}

/**
 * Gates after moving from `previous` to `current`: `rollout` for Deployments it creates, `propagation`
 * for Istio networking objects it creates or changes, `observe` for canary steps, `drain` when the next
 * state removes something. Durations are the largest of the environment's releases.
 */
export function gatesBetween(env: Environment, previous: readonly KubeObject[], current: readonly KubeObject[], context: GateContext): PhaseGates {
  const released = env.rollouts.filter(isRelease);
  const maxOf = (pick: (g: Gates) => number) => Math.max(pick(DEFAULT_GATES), ...released.map((r) => pick(r.gates)));
  const before = new Map(previous.map((o) => [identityKey(o), o]));
  const newDeployments = current.filter((o) => o.kind === 'Deployment' && !before.has(identityKey(o)));
  const changed = (o: KubeObject) => {
    const earlier = before.get(identityKey(o));
    // Rendered objects are shared between phases: the same reference is the same content.
    return earlier !== o && JSON.stringify(o) !== JSON.stringify(earlier);
  };
  const changedIstio = current.filter((o) => o.apiVersion.startsWith(ISTIO_NETWORKING) && changed(o));
  return {
    ...(newDeployments.length > 0 ? { rollout: { deployments: newDeployments.map(refOf), timeoutSeconds: maxOf((g) => g.rolloutTimeoutSeconds) } } : {}),
    ...(changedIstio.length > 0 ? { propagation: { objects: changedIstio.map(refOf), seconds: maxOf((g) => g.propagationSeconds) } } : {}),
    ...(context.observe && maxOf((g) => g.observeSeconds) > 0 ? { observe: { seconds: maxOf((g) => g.observeSeconds) } } : {}),
    ...(context.nextRemoves ? { drain: { seconds: maxOf((g) => g.drainSeconds) } } : {}),
  };
}
