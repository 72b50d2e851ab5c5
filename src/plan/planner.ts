/**
 * The planner: a pure function from a validated environment to its sequence of phases (DESIGN.md
 * section 3). Each phase is the complete desired state of every service of the environment; all
 * released services move through the same phases, each following its own row.
 */
import type { KubeObject } from '../manifest';
import { Environment, isRelease, ServiceRollout } from '../matrix/model';
import { deploymentName } from '../matrix/naming';

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
  /** Traffic split of the mesh and gateway-bound VirtualServices (a route's `version` names a subset); none: no VirtualService. */
  readonly routes: readonly WeightedVersion[];
  /** While a service is adopted: the running objects the phase still holds as they run, and the Deployments among them that have a subset of their own. @default not adopting */
  readonly adopting?: Adopting;
}

/** What an adoption phase holds of the running objects. */
export interface Adopting {
  /** Running objects held as they run (the Service is replaced by ours at once). */
  readonly running: readonly KubeObject[];
  /** Running Deployments with a subset named after them that selects their pods (by their pod labels). */
  readonly subsets: readonly KubeObject[];
}

/** Kinds of phase, in the order they occur: adoption phases (the running objects moved into the phase model) come before the baseline. */
export type PhaseKind = 'adopt' | 'baseline' | 'prepare' | 'canary' | 'switch' | 'cleanup';

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

/** Whether the plan moves a service that runs outside the phase model into it. */
export function isAdoption(rollout: ServiceRollout): boolean {
  return rollout.adopted.length > 0;
}

/**
 * The adoption phases, make-before-break: subsets for the running Deployments (routing stays as it is),
 * then routes to them (all but a running Deployment named like ours, which then carries no traffic), then
 * our Deployment beside them (replacing that one in place) with its subset, then all traffic to it. The
 * baseline that follows removes the running Deployments, after the switch's drain.
 */
function adoptionPhases(env: Environment): Phase[] {
  const adopting = (r: ServiceRollout, step: 'subsets' | 'routes' | 'prepare' | 'switch'): ServiceState => {
    const ours = deploymentName(r.service.name, r.from);
    const deployments = r.adopted.filter((o) => o.kind === 'Deployment');
    const subsets = deployments.filter((d) => d.metadata.name !== ours);
    const replaced = step === 'prepare' || step === 'switch';
    const running = r.adopted.filter((o) => (o.kind === 'Deployment' ? !(replaced && o.metadata.name === ours) : o.kind === 'VirtualService' && step === 'subsets'));
    const share = (i: number) => Math.floor(100 / subsets.length) + (i < 100 % subsets.length ? 1 : 0);
    const routes = step === 'subsets' ? [] : step === 'switch' ? [{ version: r.from, weight: 100 }]
      : subsets.map((d, i) => ({ version: d.metadata.name, weight: share(i) }));
    return { rollout: r, versions: replaced ? [r.from] : [], routes, adopting: { running, subsets } };
  };
  const phase = (step: 'subsets' | 'routes' | 'prepare' | 'switch'): Phase => ({
    kind: 'adopt',
    name: `adopt-${step}`,
    services: env.rollouts.map((r) => (isAdoption(r) ? adopting(r, step) : state(r, [r.from], 0))),
  });
  return env.rollouts.some(isAdoption) ? [phase('subsets'), phase('routes'), phase('prepare'), phase('switch')] : [];
}

/** A retiring service once nothing routes to it (its VirtualServices are gone), and once it is deleted. */
export function retiringState(rollout: ServiceRollout, deleted: boolean): ServiceState {
  return { rollout, versions: deleted ? [] : [rollout.from], routes: [] };
}

/**
 * The phases of one environment: its adoption phases, its baseline, and the phases of its releases (none without
 * a release). A retiring service is routed in the baseline, no longer routed from the next phase on (prepare, or
 * switch when nothing is released), and deleted by the cleanup, after the drain of the phase before it.
 */
export function planEnvironment(env: Environment): Phase[] {
  const unchanged = (r: ServiceRollout, cleanup: boolean) => (r.retiring ? retiringState(r, cleanup) : state(r, [r.from], 0));
  const each = (stateOf: (r: ServiceRollout) => ServiceState, cleanup = false) => env.rollouts.map((r) => (isRelease(r) ? stateOf(r) : unchanged(r, cleanup)));
  const baseline: Phase = { kind: 'baseline', name: 'baseline', services: env.rollouts.map((r) => state(r, [r.from], 0)) };
  const adoption = adoptionPhases(env);
  if (!env.rollouts.some(isRelease)) {
    if (!env.rollouts.some((r) => r.retiring)) return [...adoption, baseline];
    return [
      ...adoption,
      baseline,
      { kind: 'switch', name: 'switch', services: env.rollouts.map((r) => unchanged(r, false)) },
      { kind: 'cleanup', name: 'cleanup', services: env.rollouts.map((r) => unchanged(r, true)) },
    ];
  }

  const both = (r: ServiceRollout) => [r.from, r.to];
  const canaries: Phase[] = [];
  const released = env.rollouts.filter(isRelease);
  for (let step = 0; step < canaryPhaseCount(released); step++) {
    const weights = new Set(released.filter((r) => r.canarySteps.length > 0).map((r) => canaryWeight(r, step)));
    const name = weights.size === 1 ? `canary-${[...weights][0]}` : `canary-step-${step + 1}`;
    canaries.push({ kind: 'canary', name, services: each((r) => state(r, both(r), canaryWeight(r, step))) });
  }
  return [
    ...adoption,
    baseline,
    { kind: 'prepare', name: 'prepare', services: each((r) => state(r, both(r), 0)) },
    ...canaries,
    { kind: 'switch', name: 'switch', services: each((r) => state(r, both(r), 100)) },
    { kind: 'cleanup', name: 'cleanup', services: each((r) => state(r, [r.to], 100), true) },
  ];
}
