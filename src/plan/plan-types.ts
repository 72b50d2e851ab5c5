/**
 * The content of `dist/<environment>/plan.json` as TypeScript types: what the package's users see. The
 * schema that reads the file (./plan-format) is checked at compile time to give exactly these types; they
 * are written out rather than inferred from it so that users' type-checking never loads the schema
 * library's declarations (zod's need `esModuleInterop`, which cdk8s's project template does not set).
 */
import type { KubeObject, ObjectRef } from '../manifest';
import type { Phase } from './planner';

/**
 * Version of the plan.json format; bumped on any incompatible change. 2: phases no longer list their
 * objects (the folders hold them; nothing read the list but the check that it matched them).
 */
export const PLAN_FORMAT_VERSION = 2;

/** Gates of a phase, checked in this order: rollout, capacity, propagation, observe, drain. Absent keys do not apply. */
export interface PhaseGates {
  /** Deployments created by this phase must be rolled out and ready. */
  readonly rollout?: {
    /** Deployments that must be rolled out and ready. */
    readonly deployments: readonly ObjectRef[];
    /** How long they may take. */
    readonly timeoutSeconds: number;
  };
  /** Deployments whose HorizontalPodAutoscaler this phase creates or raises to maxReplicas must have that many pods available. */
  readonly capacity?: {
    /** Each Deployment, with the pods that must be available (its autoscaler's minReplicas in this phase). */
    readonly deployments: readonly { readonly deployment: ObjectRef; readonly replicas: number }[];
    /** How long they may take. */
    readonly timeoutSeconds: number;
  };
  /** Istio config created or changed by this phase must reach every proxy (the Reconciled condition, else at least `seconds`). */
  readonly propagation?: {
    /** Istio objects whose config must reach every proxy; none when the phase only deletes Istio config (the gate then waits `seconds`). */
    readonly objects: readonly ObjectRef[];
    /** Minimum seconds to wait where istiod does not report status. */
    readonly seconds: number;
  };
  /** Canary observation time before moving on. */
  readonly observe?: {
    /** Seconds to observe. */
    readonly seconds: number;
  };
  /** Time for clients to finish keep-alive connections before the next phase removes what they used. */
  readonly drain?: {
    /** Seconds to wait. */
    readonly seconds: number;
  };
}

/** One phase: a complete desired state of the environment. */
export interface PlanPhase {
  /** Position in apply order, from 0. */
  readonly index: number;
  /** Phase name: baseline, prepare, canary-<weight>, switch or cleanup. */
  readonly name: string;
  /** Folder holding the phase's YAML, relative to plan.json (`NN-name`). */
  readonly path: string;
  /** Objects of the previous phase that this phase no longer has: delete them after applying the folder. */
  readonly removes: readonly ObjectRef[];
  /** What must hold after applying this phase and before applying the next. */
  readonly gates: PhaseGates;
}

/** One step of a rollback: a forward phase folder applied again, then its deletions and gates. */
export interface PlanRollbackStep {
  /** Step name: reapply (the phase rolled back from), restore-old, revert-traffic, remove-new, then restore-<phase> for each adoption phase (last first). */
  readonly name: string;
  /** The forward phase folder to apply (one of `phases[].path`). */
  readonly path: string;
  /** Objects of the previous step's folder that this step's folder does not hold: delete them after applying it. */
  readonly removes: readonly ObjectRef[];
  /** What must hold after this step and before the next. */
  readonly gates: PhaseGates;
}

/** One service's release in an environment. */
export interface PlanRelease {
  /** Service name. */
  readonly service: string;
  /** Version live before the release. */
  readonly from: string;
  /** Version live after the release. */
  readonly to: string;
  /** `blueGreen`, or `canary` with its weight steps. */
  readonly strategy: { readonly type: 'blueGreen' } | { readonly type: 'canary'; readonly steps: readonly number[] };
}

/** Contents of plan.json for one environment. */
export interface PlanFile {
  /** Format version of this file ({@link PLAN_FORMAT_VERSION}). */
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /** Environment name (the folder name under dist/). */
  readonly environment: string;
  /** Namespace every object of the environment lives in. */
  readonly namespace: string;
  /** Releases of this environment (services that change version); empty when nothing is released. */
  readonly releases: readonly PlanRelease[];
  /** Phases in apply order. */
  readonly phases: readonly PlanPhase[];
  /** For each phase after the baseline, keyed by its path: the steps back to the baseline; a hand-written plan.json may leave it out. */
  readonly rollbacks?: Readonly<Record<string, readonly PlanRollbackStep[]>>;
}

/** What buildPlanFile needs of one phase: its planned form and the objects rendered for it. */
export interface RenderedPhase {
  /** The planned phase. */
  readonly phase: Phase;
  /** Folder name (`NN-name`). */
  readonly path: string;
  /** Every object of the phase folder, in file order. */
  readonly objects: readonly KubeObject[];
}
