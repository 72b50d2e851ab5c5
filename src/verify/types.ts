/** The vocabulary of the verifier: phases in (./phase), findings out, rules in between. */
import type { PhaseState } from './state';
import type { TransitionContext } from './transition';

export type { PhaseManifest } from './phase';

/** One problem found in a phase or in a transition between two phases. */
export interface SafetyFinding {
  /** Stable rule id, e.g. `transition/in-place-update`. */
  readonly rule: string;
  /** Label of the phase the problem shows in (for a transition: the phase being entered). */
  readonly phase: string;
  /** `01-prepare -> 02-switch` for transition rules; absent for rules about one phase. */
  readonly transition?: string;
  /** The object to look at, `Kind namespace/name`. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
  /** For a finding in a rollback of plan.json: the path of the phase the rollback starts from. */
  readonly rollback?: string;
}

/** What a rule reports; the verifier adds the rule id, the phase and the transition. */
export interface RuleFinding {
  /** The object to look at, `Kind namespace/name`. */
  readonly object: string;
  /** What is wrong. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** A check of one phase on its own. */
export interface StateRule {
  /** Stable id, `state/...`. */
  readonly id: string;
  /** One-line description (shown in documentation and rule listings). */
  readonly description: string;
  /** Discriminates state rules from transition rules. */
  readonly scope: 'state';
  /** Pure check over one phase. */
  check(state: PhaseState): RuleFinding[];
}

/** A check of a transition S -> S' between two consecutive phases. */
export interface TransitionRule {
  /** Stable id, `transition/...`. */
  readonly id: string;
  /** One-line description (shown in documentation and rule listings). */
  readonly description: string;
  /** Discriminates transition rules from state rules. */
  readonly scope: 'transition';
  /**
   * Whether the rule reads the phases' gates (from plan.json). A rule that does not is given phases without
   * gates, so that its result for two object lists holds whatever gates they come with (rollbacks re-apply
   * the same folders with other gates). Required, so that no rule loses its gates by omission.
   */
  readonly readsGates: boolean;
  /** Pure check over the two states (and their gates when it reads them). */
  check(transition: TransitionContext): RuleFinding[];
}

/** Any rule of the registry. */
export type Rule = StateRule | TransitionRule;
