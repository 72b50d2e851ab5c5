/**
 * cdk8s-phased-rollout: a typed version matrix -> one Kubernetes + Istio bundle per rollout phase.
 * The public API, by layer: matrix, planner, constructs, synthesis, verifier, analyzers.
 */
export * from './matrix';
export { planEnvironment } from './plan/planner';
export type { Phase, PhaseKind, ServiceState, WeightedVersion } from './plan/planner';
export * from './plan/plan-file';
export * from './constructs';
export { synthesize, synthesizeEnvironment, synthesizeExtendedEnvironment, synthesizeFiles, assertSafe, UnsafePlanError, phaseFolder } from './synth';
export type { EnvironmentOutput } from './synth';
export { EnvironmentRenderer } from './synth/render';
export type { RenderedFile, RenderExtensions, ServiceContext, ServiceTraffic, VersionContext, PhaseVersionContext } from './synth/render';
export { synthApp, PhasedRollout } from './app';
export type { PhasedRolloutProps, EnvironmentObjects } from './app';
export * as verify from './verify';
export * as analyze from './analyze';
export * as manifest from './manifest';
