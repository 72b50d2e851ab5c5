/** Applying phase plans to a cluster: engine, resume record, kubectl invocations. */
export { applyPlan, ApplyFailure, decideStart } from './engine';
export type { ApplyOptions, StartDecision } from './engine';
export { ClusterSession, DEFAULT_PROPAGATION_TIMEOUT_SECONDS } from './session';
export type { ApplyRuntime, FailureHandler, SessionOptions } from './session';
export { KUBECTL, commandLine, contextArgs, istioctlWait, shellQuote } from './kubectl';
export { findPhase, readPlanDirectory, rollbackTitle } from './plan-dir';
export type { PlanDirectory } from './plan-dir';
export { planIdentity, parseRecordLine, RECORD_JSONPATH, recordManifest, recordName } from './record';
export type { ResumeRecord } from './record';
export { processRuntime, timeScaleFrom, TIME_SCALE_VARIABLE } from './runtime';
