/**
 * Rules about HorizontalPodAutoscalers: a Deployment they scale does not set replicas, and traffic moves onto
 * an autoscaled version only at the capacity the version it shares or takes the traffic from may be running
 * (src/plan/capacity.ts says how synthesis ensures it).
 */
import { KubeObject } from '../../manifest';
import { AutoscalerView, autoscalerOf, deploymentOf, workloadKey } from '../../model';
import { MESSAGES } from '../messages';
import { backendsOf, DeploymentInfo, PhaseState, resolveIn } from '../state';
import { RuleFinding, StateRule, TransitionRule } from '../types';

/** An autoscaler and its object. */
interface Autoscaler extends AutoscalerView {
  readonly object: KubeObject;
}

/** The autoscaled workloads that a host's routed destinations reach in one phase, with its two largest maxReplicas. */
interface AutoscaledHost {
  /** The autoscaled workloads reached. */
  readonly reached: readonly DeploymentInfo[];
  /** The workload with the largest maxReplicas, and the largest maxReplicas of any other (for "the largest but itself"). */
  readonly largest: { readonly workload: DeploymentInfo; readonly maxReplicas: number; readonly runnerUp: number };
}

/** What the capacity rules read of one phase's objects, once per object list (phases and rollbacks share them). */
interface CapacityIndex {
  /** Autoscalers by the key of the workload they scale (the first one wins, as the HPA controller refuses a second). */
  readonly autoscalers: ReadonlyMap<string, Autoscaler>;
  /** By normalized host, the hosts whose routed destinations reach an autoscaled workload (computed only when the phase has autoscalers). */
  readonly autoscaledHosts: ReadonlyMap<string, AutoscaledHost>;
}

const indexes = new WeakMap<readonly KubeObject[], CapacityIndex>();
const EMPTY: CapacityIndex = { autoscalers: new Map(), autoscaledHosts: new Map() };

function capacityIndex(state: PhaseState): CapacityIndex {
  const { objects } = state.phase;
  let index = indexes.get(objects);
  if (index !== undefined) return index;
  const autoscalers = new Map<string, Autoscaler>();
  for (const object of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    const view = autoscalerOf(object);
    if (!autoscalers.has(view.targetKey)) autoscalers.set(view.targetKey, { ...view, object });
  }
  index = autoscalers.size === 0 ? EMPTY : { autoscalers, autoscaledHosts: autoscaledHosts(state, autoscalers) };
  indexes.set(objects, index);
  return index;
}

function autoscaledHosts(state: PhaseState, autoscalers: ReadonlyMap<string, Autoscaler>): Map<string, AutoscaledHost> {
  const reachedByHost = new Map<string, Set<DeploymentInfo>>();
  for (const destination of state.routed) {
    const { service, subset } = resolveIn(state, destination);
    for (const workload of backendsOf(destination, service, subset, state) ?? []) {
      if (!autoscalers.has(workload.key)) continue;
      let reached = reachedByHost.get(destination.host);
      if (reached === undefined) reachedByHost.set(destination.host, (reached = new Set()));
      reached.add(workload);
    }
  }
  const hosts = new Map<string, AutoscaledHost>();
  for (const [host, reached] of reachedByHost) {
    let largest = { workload: undefined as unknown as DeploymentInfo, maxReplicas: -1, runnerUp: -1 };
    for (const workload of reached) {
      const { maxReplicas } = autoscalers.get(workload.key)!;
      if (maxReplicas > largest.maxReplicas) largest = { workload, maxReplicas, runnerUp: largest.maxReplicas };
      else if (maxReplicas > largest.runnerUp) largest = { ...largest, runnerUp: maxReplicas };
    }
    hosts.set(host, { reached: [...reached], largest });
  }
  return hosts;
}

/** A Deployment that its autoscaler scales and that also sets spec.replicas. */
export const autoscaledReplicas: StateRule = {
  id: 'state/autoscaled-replicas',
  description: 'a Deployment scaled by a HorizontalPodAutoscaler of the same phase does not set replicas',
  scope: 'state',
  check: (state) => {
    const findings: RuleFinding[] = [];
    for (const autoscaler of capacityIndex(state).autoscalers.values()) {
      const workload = state.deployments.get(autoscaler.targetKey);
      const replicas = workload === undefined ? undefined : deploymentOf(workload.object).replicas;
      if (workload !== undefined && replicas !== undefined) findings.push(MESSAGES.autoscaledReplicas(workload, autoscaler.object, replicas));
    }
    return findings;
  },
};

/**
 * Traffic of a host reaching an autoscaled workload in S' while another workload of that host carried traffic in S:
 * the first must have been kept, in S, at the most pods the other's autoscaler may have been running then.
 */
export const routedBelowCapacity: TransitionRule = {
  id: 'transition/routed-below-capacity',
  readsGates: false,
  description: 'traffic moves onto an autoscaled Deployment only when its minReplicas in the previous phase covers the maxReplicas of every ' +
    'autoscaled Deployment that carried that traffic there',
  scope: 'transition',
  check: ({ from, to }) => {
    const before = capacityIndex(from);
    const after = capacityIndex(to);
    if (before.autoscalers.size === 0 || after.autoscalers.size === 0) return [];
    const findings: RuleFinding[] = [];
    for (const [host, { reached }] of after.autoscaledHosts) {
      const carried = before.autoscaledHosts.get(host)?.largest;
      if (carried === undefined) continue;
      for (const workload of reached) {
        const guaranteed = before.autoscalers.get(workload.key);
        if (guaranteed === undefined) continue;
        // The most pods another autoscaled workload of the host could have been running in S.
        const [carrier, needed] = carried.workload.key !== workload.key ? [carried.workload, carried.maxReplicas]
          : [undefined, carried.runnerUp];
        if (needed <= guaranteed.minReplicas) continue;
        const other = carrier ?? before.autoscaledHosts.get(host)!.reached.find((w) => w.key !== workload.key && before.autoscalers.get(w.key)!.maxReplicas === needed)!;
        findings.push(MESSAGES.routedBelowCapacity(workload, host, guaranteed, other, needed, from.label));
      }
    }
    return findings;
  },
};

/**
 * An autoscaler that a phase creates or raises to its maxReplicas (pinned: the count capacity gates wait for), that the
 * phase's capacity gate does not wait for (only with plan.json).
 */
export const raisedWithoutCapacityGate: TransitionRule = {
  id: 'transition/raised-without-capacity-gate',
  readsGates: true,
  description: 'a HorizontalPodAutoscaler that a phase creates or raises to its maxReplicas is waited for by that phase\'s capacity gate',
  scope: 'transition',
  check: ({ from, to }) => {
    const gates = to.phase.gates;
    const after = capacityIndex(to);
    if (!gates || after.autoscalers.size === 0) return [];
    const before = capacityIndex(from);
    const waited = new Map((gates.capacity?.deployments ?? []).map((d) => [workloadKey(d.deployment), d.replicas]));
    const findings: RuleFinding[] = [];
    for (const autoscaler of after.autoscalers.values()) {
      const previous = before.autoscalers.get(autoscaler.targetKey);
      if (autoscaler.minReplicas !== autoscaler.maxReplicas) continue; // not pinned: no count to wait for (the rollout gate waits)
      if (previous !== undefined && previous.minReplicas >= autoscaler.minReplicas) continue;
      if (!to.deployments.has(autoscaler.targetKey)) continue; // scales nothing of this phase
      if ((waited.get(autoscaler.targetKey) ?? 0) < autoscaler.minReplicas) findings.push(MESSAGES.raisedWithoutCapacityGate(autoscaler.object, autoscaler.targetKey, autoscaler.minReplicas, previous === undefined));
    }
    return findings;
  },
};
