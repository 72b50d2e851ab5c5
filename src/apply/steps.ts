/**
 * The one definition of what running a plan step means: apply its folder, record it as being applied,
 * delete what it removes, pass its gates in order (rollout, capacity, propagation, observe, drain), record it as
 * completed. `phased-rollout apply`, `rollback` and `promote` execute these actions, the generated
 * apply.sh is rendered from them, and the simulator walks the gate actions. A new gate kind (a metric
 * analysis, an approval) or a second traffic API is a new member of {@link GateAction} here, then a case
 * in each executor (the compiler lists the switches that miss it).
 */
import { ObjectRef } from '../manifest';
import { PhaseGates, PlanFile } from '../plan/plan-file';

/** A gate: what must hold before the next step. */
export type GateAction =
  /** `kubectl rollout status` of one Deployment the step created or changed. */
  | { readonly kind: 'rollout'; readonly deployment: ObjectRef; readonly timeoutSeconds: number }
  /** Until a Deployment under a HorizontalPodAutoscaler has `replicas` pods available: the capacity traffic may move onto (src/plan/capacity.ts). */
  | { readonly kind: 'capacity'; readonly deployment: ObjectRef; readonly replicas: number; readonly timeoutSeconds: number }
  /** Istio config reached every proxy: istiod's Reconciled condition, istioctl, or at least `seconds`. */
  | { readonly kind: 'propagation'; readonly objects: readonly ObjectRef[]; readonly seconds: number }
  /** A fixed wait: canary observation, or the drain of keep-alive connections. */
  | { readonly kind: 'pause'; readonly gate: 'observe' | 'drain'; readonly seconds: number };

/** One action of a step, in the order every executor runs them. */
export type StepAction =
  /** Server-side apply of the step's phase folder. */
  | { readonly kind: 'apply'; readonly path: string }
  /** The resume record: the step is being applied (its gates not passed yet), or completed. */
  | { readonly kind: 'record'; readonly state: 'applying' | 'completed' }
  /** Deletion of an object the step's folder no longer has. */
  | { readonly kind: 'remove'; readonly ref: ObjectRef }
  | GateAction;

/** One step of a run: a phase, or a step of a rollback (which applies a forward phase folder). */
export interface RunStep {
  /** Name in progress lines and in the record: the phase folder, or a rollback step's name. */
  readonly label: string;
  /** The phase folder to apply, relative to the plan folder. */
  readonly path: string;
  /** Objects to delete after applying the folder. */
  readonly removes: readonly ObjectRef[];
  /** What must hold before the next step. */
  readonly gates: PhaseGates;
  /** What running the step does, in order ({@link stepActions}). */
  readonly actions: readonly StepAction[];
}

/** The gates of a phase or rollback step as actions, in plan.json's order: rollout, capacity, propagation, observe, drain. */
export function gateActions(gates: PhaseGates): GateAction[] {
  const { rollout, capacity, propagation, observe, drain } = gates;
  return [
    ...(rollout?.deployments ?? []).map((deployment): GateAction => ({ kind: 'rollout', deployment, timeoutSeconds: rollout!.timeoutSeconds })),
    ...(capacity?.deployments ?? []).map(({ deployment, replicas }): GateAction =>
      ({ kind: 'capacity', deployment, replicas, timeoutSeconds: capacity!.timeoutSeconds })),
    ...(propagation ? [{ kind: 'propagation', objects: propagation.objects, seconds: propagation.seconds } as const] : []),
    ...(observe ? [{ kind: 'pause', gate: 'observe', seconds: observe.seconds } as const] : []),
    ...(drain ? [{ kind: 'pause', gate: 'drain', seconds: drain.seconds } as const] : []),
  ];
}

/** The actions of one step: apply, record applying, removals, gates, record completed. */
export function stepActions(step: { readonly path: string; readonly removes: readonly ObjectRef[]; readonly gates: PhaseGates }): StepAction[] {
  return [
    { kind: 'apply', path: step.path },
    { kind: 'record', state: 'applying' },
    ...step.removes.map((ref): StepAction => ({ kind: 'remove', ref })),
    ...gateActions(step.gates),
    { kind: 'record', state: 'completed' },
  ];
}

/** The steps of a plan: its forward phases, and the rollback from each phase that has one. */
export interface PlanSteps {
  /** The forward phases, in apply order (label: the phase folder). */
  readonly forward: readonly RunStep[];
  /** Rollback steps by the forward phase they roll back from. */
  readonly rollbacks: ReadonlyMap<string, readonly RunStep[]>;
}

/** The steps of plan.json (pure). */
export function planSteps(plan: PlanFile): PlanSteps {
  const step = (label: string, s: { readonly path: string; readonly removes: readonly ObjectRef[]; readonly gates: PhaseGates }): RunStep =>
    ({ label, path: s.path, removes: s.removes, gates: s.gates, actions: stepActions(s) });
  return {
    forward: plan.phases.map((phase) => step(phase.path, phase)),
    rollbacks: new Map(Object.entries(plan.rollbacks ?? {}).map(([from, steps]) => [from, steps.map((s) => step(s.name, s))])),
  };
}
