/**
 * cdk8s-phased-rollout: a typed version matrix -> one Kubernetes + Istio bundle per rollout phase.
 * The public API, by layer: matrix, planner, constructs, synthesis, verifier, analyzers.
 */
export * from './matrix';
export { planEnvironment } from './plan/planner';
export type { Phase, PhaseKind, ServiceState, WeightedVersion } from './plan/planner';
export * from './plan/plan-file';
export * from './constructs';
export { synthesize, synthesizeEnvironment, synthesizeFiles, assertSafe, UnsafePlanError, phaseFolder } from './synth';
export type { EnvironmentOutput } from './synth';
export { EnvironmentRenderer } from './synth/render';
export type { RenderedFile } from './synth/render';
export { synthApp } from './app';
export * as verify from './verify';
export * as analyze from './analyze';
export * as manifest from './manifest';
