/**
 * The planner: a pure function from a validated environment to its sequence of phases (DESIGN.md
 * section 3). Each phase is the complete desired state of every service of the environment; all
 * released services move through the same phases, each following its own row.
 */
import { Environment, isRelease, ServiceRollout } from '../matrix/model';

/** One route of a VirtualService: a version and its weight. */
export interface WeightedVersion {
  /** Version (DestinationRule subset). */
  readonly version: string;
  /** Relative weight, 1..100 (versions with weight 0 are not listed). */
  readonly weight: number;
}

/** Desired state of one service in one phase. */
export interface ServiceState {
  /** The service and its release settings. */
  readonly rollout: ServiceRollout;
  /** Live versions, in declaration order: each has a Deployment and a DestinationRule subset. */
  readonly versions: readonly string[];
  /** Traffic split of the mesh and gateway-bound VirtualServices. */
  readonly routes: readonly WeightedVersion[];
}

/** Kinds of phase, in the order they occur. */
export type PhaseKind = 'baseline' | 'prepare' | 'canary' | 'switch' | 'cleanup';

/** One phase of an environment's plan. */
export interface Phase {
  /** Kind of phase. */
  readonly kind: PhaseKind;
  /** Phase name: the kind, and for canary phases the weight (`canary-10`) or step number (`canary-step-2`). */
  readonly name: string;
  /** State of every service of the environment, in declaration order. */
  readonly services: readonly ServiceState[];
}

/** Number of canary phases of an environment: the most steps of any of its releases. */
function canaryPhaseCount(rollouts: readonly ServiceRollout[]): number {
  return Math.max(0, ...rollouts.map((r) => r.canarySteps.length));
}

/**
 * Weight of the new version at canary phase `step` (0-based). A release with fewer steps than the
 * environment's longest canary holds its last step; a blue/green release keeps all traffic on `from`.
 */
function canaryWeight(rollout: ServiceRollout, step: number): number {
  const steps = rollout.canarySteps;
  return steps.length === 0 ? 0 : steps[Math.min(step, steps.length - 1)];
}

/** The `live` versions in the order the service declares them. */
export function versionsInOrder(rollout: ServiceRollout, live: readonly string[]): string[] {
  return [...rollout.service.versions.keys()].filter((v) => live.includes(v));
}

function state(rollout: ServiceRollout, live: readonly string[], newWeight: number): ServiceState {
  const routes = newWeight === 0 ? [{ version: rollout.from, weight: 100 }]
    : newWeight === 100 ? [{ version: rollout.to, weight: 100 }]
      : [{ version: rollout.from, weight: 100 - newWeight }, { version: rollout.to, weight: newWeight }];
  const order = versionsInOrder(rollout, live);
  return { rollout, versions: order, routes: routes.sort((a, b) => order.indexOf(a.version) - order.indexOf(b.version)) };
}

/** The phases of one environment. An environment without a release has only its baseline. */
export function planEnvironment(env: Environment): Phase[] {
  const each = (stateOf: (r: ServiceRollout) => ServiceState) => env.rollouts.map((r) => (isRelease(r) ? stateOf(r) : state(r, [r.from], 0)));
  const baseline: Phase = { kind: 'baseline', name: 'baseline', services: each((r) => state(r, [r.from], 0)) };
  if (!env.rollouts.some(isRelease)) return [baseline];

  const both = (r: ServiceRollout) => [r.from, r.to];
  const canaries: Phase[] = [];
  const released = env.rollouts.filter(isRelease);
  for (let step = 0; step < canaryPhaseCount(released); step++) {
    const weights = new Set(released.filter((r) => r.canarySteps.length > 0).map((r) => canaryWeight(r, step)));
    const name = weights.size === 1 ? `canary-${[...weights][0]}` : `canary-step-${step + 1}`;
    canaries.push({ kind: 'canary', name, services: each((r) => state(r, both(r), canaryWeight(r, step))) });
  }
  return [
    baseline,
    { kind: 'prepare', name: 'prepare', services: each((r) => state(r, both(r), 0)) },
    ...canaries,
    { kind: 'switch', name: 'switch', services: each((r) => state(r, both(r), 100)) },
    { kind: 'cleanup', name: 'cleanup', services: each((r) => state(r, [r.to], 100)) },
  ];
}
