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

/** What the capacity rules read of one phase's objects, once per object list (phases and rollbacks share them). */
interface CapacityIndex {
  /** Autoscalers by the key of the workload they scale (the first one wins, as the HPA controller refuses a second). */
  readonly autoscalers: ReadonlyMap<string, Autoscaler>;
  /** By normalized host: the workloads its routed destinations reach (computed only when the phase has autoscalers). */
  readonly routedByHost: ReadonlyMap<string, ReadonlySet<DeploymentInfo>>;
}

const indexes = new WeakMap<readonly KubeObject[], CapacityIndex>();
const EMPTY: CapacityIndex = { autoscalers: new Map(), routedByHost: new Map() };

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
  if (autoscalers.size === 0) index = EMPTY;
  else {
    const routedByHost = new Map<string, Set<DeploymentInfo>>();
    for (const destination of state.routed) {
      const { service, subset } = resolveIn(state, destination);
      let reached = routedByHost.get(destination.host);
      if (reached === undefined) routedByHost.set(destination.host, (reached = new Set()));
      for (const workload of backendsOf(destination, service, subset, state) ?? []) reached.add(workload);
    }
    index = { autoscalers, routedByHost };
  }
  indexes.set(objects, index);
  return index;
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
    for (const [host, reached] of after.routedByHost) {
      const carriers = [...(before.routedByHost.get(host) ?? [])].flatMap((w) => {
        const autoscaler = before.autoscalers.get(w.key);
        return autoscaler ? [{ workload: w, autoscaler }] : [];
      });
      for (const workload of reached) {
        const guaranteed = before.autoscalers.get(workload.key);
        if (guaranteed === undefined || !after.autoscalers.has(workload.key)) continue;
        const needed = carriers.filter((c) => c.workload.key !== workload.key && c.autoscaler.maxReplicas > guaranteed.minReplicas);
        const most = needed.reduce<(typeof needed)[number] | undefined>((a, b) => (a && a.autoscaler.maxReplicas >= b.autoscaler.maxReplicas ? a : b), undefined);
        if (most) findings.push(MESSAGES.routedBelowCapacity(workload, host, guaranteed, most.workload, most.autoscaler.maxReplicas, from.label));
      }
    }
    return findings;
  },
};

/** An autoscaler that a phase creates or whose minReplicas it raises, that the phase's capacity gate does not wait for (only with plan.json). */
export const raisedWithoutCapacityGate: TransitionRule = {
  id: 'transition/raised-without-capacity-gate',
  readsGates: true,
  description: 'a HorizontalPodAutoscaler that a phase creates or whose minReplicas it raises is waited for by that phase\'s capacity gate',
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
      if (previous !== undefined && previous.minReplicas >= autoscaler.minReplicas) continue;
      if (!to.deployments.has(autoscaler.targetKey)) continue; // scales nothing of this phase
      if ((waited.get(autoscaler.targetKey) ?? 0) < autoscaler.minReplicas) findings.push(MESSAGES.raisedWithoutCapacityGate(autoscaler.object, autoscaler.targetKey, autoscaler.minReplicas, previous === undefined));
    }
    return findings;
  },
};
