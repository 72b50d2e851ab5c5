/** `phased-rollout verify`: proves that no phase and no transition between phases drops a request. */
export { verifyEnvironment, verifyPhases } from './verify';
export { loadPhases, PHASE_FOLDER } from './load';
export { rollbackSequences } from './rollbacks';
export type { LoadedEnvironment } from './load';
export type { RollbackSequence } from './rollbacks';
export { RULES } from './rules';
export type { PhaseManifest, Rule, RuleFinding, SafetyFinding, StateRule, TransitionRule } from './types';
