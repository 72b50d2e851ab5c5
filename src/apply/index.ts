/** Applying phase plans to a cluster: engine, resume record, kubectl invocations. */
export { applyPlan, ApplyFailure, decideStart, forwardSequence, runSequence } from './engine';
export type { ApplyOptions, RunSequence, RunStep, StartDecision } from './engine';
export { rollback, rollbackIdentity, rollbackSequence } from './rollback';
export type { RollbackOptions } from './rollback';
export { gateActions, planSteps, stepActions } from './steps';
export type { GateAction, PlanSteps, StepAction } from './steps';
export { ClusterSession, DEFAULT_PROPAGATION_TIMEOUT_SECONDS } from './session';
export type { ApplyRuntime, FailureHandler, SessionOptions } from './session';
export { DEFAULT_CALL_TIMEOUT_SECONDS, KUBECTL, commandLine, contextArgs, istioctlWait, REQUEST_TIMEOUT, shellQuote } from './kubectl';
export { findPhase, readPlanDirectory } from './plan-dir';
export type { PlanDirectory } from './plan-dir';
export { planIdentity, parseRecordLine, RECORD_JSONPATH, recordManifest, recordName } from './record';
export type { ResumeRecord } from './record';
export { processRuntime, timeScaleFrom, TIME_SCALE_VARIABLE } from './runtime';
