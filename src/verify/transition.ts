/**
 * A transition S -> S' prepared for the rules: which destinations carry traffic on either side and which
 * workloads they can reach while the objects of S' arrive in any order (Service, DestinationRule and
 * Deployments each from S or from S').
 */
import {
  backendsOf, DeploymentInfo, RouteTarget, DestinationRuleInfo, PhaseState, resolveIn, sameLabels, sameTemplate, ServiceInfo, SubsetInfo,
} from './state';

/** A workload that may receive traffic during the transition. */
export interface CarriedWorkload {
  /** The workload in S, if it exists there. */
  readonly before?: DeploymentInfo;
  /** The workload in S', if it exists there. */
  readonly after?: DeploymentInfo;
  /** A destination that reaches it (the first found: enough to explain the finding). */
  readonly destination: RouteTarget;
}

/** How a destination resolves in S and in S'. */
export interface ResolvedDestination {
  /** The destination. */
  readonly destination: RouteTarget;
  /** Whether a route of S sends traffic to it. */
  readonly routedBefore: boolean;
  /** Whether a route of S' sends traffic to it. */
  readonly routedAfter: boolean;
  /** The host's Service in S. */
  readonly serviceBefore?: ServiceInfo;
  /** The host's Service in S'. */
  readonly serviceAfter?: ServiceInfo;
  /** The named subset as S defines it. */
  readonly subsetBefore?: SubsetInfo;
  /** The named subset as S' defines it. */
  readonly subsetAfter?: SubsetInfo;
}

/** A workload whose pods the transition deletes: S' removes it or gives it another pod template. */
export interface EndedWorkload {
  /** The workload in S. */
  readonly before: DeploymentInfo;
  /** The workload in S' (with another pod template); absent when S' removes it. */
  readonly after?: DeploymentInfo;
}

/** A workload whose pods the transition starts: S' creates it or gives it another pod template. */
export interface StartedWorkload {
  /** The workload in S'. */
  readonly after: DeploymentInfo;
  /** The workload in S (with another pod template); absent when S' creates it. */
  readonly before?: DeploymentInfo;
}

/** A subset that a DestinationRule of S defines and S' no longer does. */
export interface RemovedSubset {
  /** The DestinationRule as S defines it. */
  readonly rule: DestinationRuleInfo;
  /** The subset's name. */
  readonly subset: string;
}

/** Everything transition rules read. */
export interface TransitionContext {
  /** The state being left (S). */
  readonly from: PhaseState;
  /** The state being entered (S'). */
  readonly to: PhaseState;
  /** `01-prepare -> 02-switch`. */
  readonly label: string;
  /** Every destination routed in S or S', resolved in both. */
  readonly destinations: readonly ResolvedDestination[];
  /** Workloads any mix of S and S' can send traffic to, by key. */
  readonly carried: ReadonlyMap<string, CarriedWorkload>;
  /** Workloads whose pods the transition deletes, in the order of S. */
  readonly ended: readonly EndedWorkload[];
  /** Workloads whose pods the transition starts, in the order of S'. */
  readonly started: readonly StartedWorkload[];
  /** Subsets the transition removes, in the order of S. */
  readonly removedSubsets: readonly RemovedSubset[];
}

/** What a transition's rules read besides the two states: it depends on their objects only, not on their gates. */
export type TransitionResolution = Omit<TransitionContext, 'from' | 'to' | 'label'>;

/** The transition from `from` to `to`, with its destinations resolved (or `resolution`, when already resolved for the same objects). */
export function analyzeTransition(from: PhaseState, to: PhaseState, resolution = resolveTransition(from, to)): TransitionContext {
  return { from, to, label: `${from.label} -> ${to.label}`, ...resolution };
}

/** Resolves the destinations of both states and the workloads they can reach. */
export function resolveTransition(from: PhaseState, to: PhaseState): TransitionResolution {
  const destinations: ResolvedDestination[] = [];
  const carried = new Map<string, CarriedWorkload>();
  const resolve = (destination: RouteTarget): void => {
    const before = resolveIn(from, destination);
    const after = resolveIn(to, destination);
    const resolved: ResolvedDestination = {
      destination,
      routedBefore: from.routedByKey.has(destination.key),
      routedAfter: to.routedByKey.has(destination.key),
      serviceBefore: before.service,
      serviceAfter: after.service,
      subsetBefore: before.subset,
      subsetAfter: after.subset,
    };
    destinations.push(resolved);
    // Equal selectors on both sides (the common case) need one lookup, not two.
    const { serviceBefore, serviceAfter, subsetBefore, subsetAfter } = resolved;
    const oneService = serviceBefore === serviceAfter
      || (serviceBefore?.selector !== undefined && serviceAfter?.selector !== undefined && sameLabels(serviceBefore.selector, serviceAfter.selector));
    const oneSubset = destination.subset === undefined || subsetBefore === subsetAfter
      || (subsetBefore !== undefined && subsetAfter !== undefined && sameLabels(subsetBefore.labels, subsetAfter.labels));
    const firstService = oneService ? serviceAfter : serviceBefore;
    const firstSubset = destination.subset === undefined ? undefined : oneSubset ? subsetAfter : subsetBefore;
    carry(carried, destination, firstService, firstSubset, from, to);
    if (!oneSubset) carry(carried, destination, firstService, subsetAfter, from, to);
    if (!oneService) {
      carry(carried, destination, serviceAfter, firstSubset, from, to);
      if (!oneSubset) carry(carried, destination, serviceAfter, subsetAfter, from, to);
    }
  };
  // Every destination routed on either side once (S' first: its destination objects win).
  for (const destination of to.routed) resolve(destination);
  for (const destination of from.routed) if (!to.routedByKey.has(destination.key)) resolve(destination);
  return { destinations, carried, ...workloadChanges(from, to), removedSubsets: removedSubsets(from, to) };
}

/** Workloads whose pods end or start between S and S' (most are the very same object on both sides: no comparison). */
function workloadChanges(from: PhaseState, to: PhaseState): Pick<TransitionResolution, 'ended' | 'started'> {
  const ended: EndedWorkload[] = [];
  const started: StartedWorkload[] = [];
  for (const before of from.deployments.values()) {
    const after = to.deployments.get(before.key);
    if (after !== before && (!after || !sameTemplate(before, after))) ended.push({ before, after });
  }
  for (const after of to.deployments.values()) {
    const before = from.deployments.get(after.key);
    if (before !== after && (!before || !sameTemplate(before, after))) started.push({ after, before });
  }
  return { ended, started };
}

/** Subsets of S's DestinationRules that S' no longer defines (a rule that is the same object on both sides keeps all of them). */
function removedSubsets(from: PhaseState, to: PhaseState): RemovedSubset[] {
  const removed: RemovedSubset[] = [];
  for (const [identity, rule] of from.destinationRulesByIdentity) {
    const after = to.destinationRulesByIdentity.get(identity);
    if (after === rule) continue;
    for (const subset of rule.subsets.keys()) if (!after?.subsets.has(subset)) removed.push({ rule, subset });
  }
  return removed;
}

/** Adds the workloads a destination reaches through a Service and subset, in `from` then in `to`, to `carried` (first destination wins). */
function carry(carried: Map<string, CarriedWorkload>, destination: RouteTarget, service: ServiceInfo | undefined,
  subset: SubsetInfo | undefined, from: PhaseState, to: PhaseState): void {
  for (const state of [from, to]) {
    for (const workload of backendsOf(destination, service, subset, state) ?? []) {
      if (carried.has(workload.key)) continue;
      carried.set(workload.key, { before: from.deployments.get(workload.key), after: to.deployments.get(workload.key), destination });
    }
  }
}
