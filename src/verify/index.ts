/** `phased-rollout verify`: proves that no phase and no transition between phases drops a request. */
export { verifyEnvironment, verifyPhases } from './verify';
export { loadPhases, PHASE_FOLDER, rollbackSequences } from './load';
export type { LoadedEnvironment, RollbackSequence } from './load';
export { RULES } from './rules';
export type { PhaseManifest, Rule, RuleFinding, SafetyFinding, StateRule, TransitionRule } from './types';
