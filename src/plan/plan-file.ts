/**
 * The format of `dist/<environment>/plan.json`: the machine-readable contract between synthesis and
 * everything that applies or checks the phases (pipelines, `phased-rollout apply|verify|plan`, Argo CD promotion).
 */
import { ObjectRef } from '../manifest';

/** Version of the plan.json format; bumped on any incompatible change. */
export const PLAN_FORMAT_VERSION = 1;

/** Contents of plan.json for one environment. */
export interface PlanFile {
  /** Format version of this file ({@link PLAN_FORMAT_VERSION}). */
  readonly formatVersion: number;
  /** Environment name (the folder name under dist/). */
  readonly environment: string;
  /** Namespace every object of the environment lives in. */
  readonly namespace: string;
  /** Releases of this environment (services that change version); empty when nothing is released. */
  readonly releases: readonly PlanRelease[];
  /** Phases in apply order. */
  readonly phases: readonly PlanPhase[];
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

/** One phase: a complete desired state of the environment. */
export interface PlanPhase {
  /** Position in apply order, from 0. */
  readonly index: number;
  /** Phase name: baseline, prepare, canary-<weight>, switch or cleanup. */
  readonly name: string;
  /** Folder holding the phase's YAML, relative to plan.json (`NN-name`). */
  readonly path: string;
  /** Every object of the phase (the folder's contents). */
  readonly objects: readonly ObjectRef[];
  /** Objects of the previous phase that this phase no longer has: delete them after applying the folder. */
  readonly removes: readonly ObjectRef[];
  /** What must hold after applying this phase and before applying the next. */
  readonly gates: PhaseGates;
}

/** Gates of a phase, checked in this order: rollout, propagation, observe, drain. Absent keys do not apply. */
export interface PhaseGates {
  /** Deployments created by this phase must be rolled out and ready. */
  readonly rollout?: { readonly deployments: readonly ObjectRef[]; readonly timeoutSeconds: number };
  /**
   * Istio config created or changed by this phase must reach every proxy: wait for the `Reconciled`
   * condition where istiod reports status, otherwise at least `seconds`.
   */
  readonly propagation?: { readonly objects: readonly ObjectRef[]; readonly seconds: number };
  /** Canary observation time before moving on. */
  readonly observe?: { readonly seconds: number };
  /** Time for clients to finish keep-alive connections before the next phase removes what they used. */
  readonly drain?: { readonly seconds: number };
}
