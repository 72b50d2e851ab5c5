/** Runs the rule registry over a sequence of phases: pure, in memory, linear in the number of objects. */
import type { RollbackSequence } from './rollbacks';
import { RULES } from './rules';
import { buildState, PhaseState, StateCache } from './state';
import { analyzeTransition, resolveTransition, TransitionContext, TransitionResolution } from './transition';
import { PhaseManifest, Rule, SafetyFinding, StateRule, TransitionRule } from './types';

/**
 * What one verification remembers: a rollback re-applies forward phases, so the same states and transitions
 * recur within an environment. Rules that do not read gates decide from the objects only (names of phases
 * appear in messages, never in decisions), so a clean result holds whatever the phases are called. Rules that
 * read gates run every time: they only look at what a transition starts and ends. Kept per call: nothing grows
 * from one verification to the next in a long-running process.
 */
class Memo {
  /** Rules and the inputs they found clean. */
  readonly clean = new Set<string>();
  /** Resolved transitions by pair of object lists (`3>5`). */
  readonly transitions = new Map<string, TransitionResolution>();
  /** What the verification read of the objects and indexed of their lists. */
  readonly states = new StateCache();
}

/**
 * Findings for every phase and every transition between consecutive phases, in phase order; empty when
 * the sequence is safe to apply. `rules` defaults to the whole registry.
 */
export function verifyPhases(phases: readonly PhaseManifest[], rules: readonly Rule[] = RULES): SafetyFinding[] {
  return checkSequence(phases, rules, new Memo());
}

function checkSequence(phases: readonly PhaseManifest[], rules: readonly Rule[], memo: Memo): SafetyFinding[] {
  const states = phases.map((phase) => buildState(phase, memo.states));
  const findings: SafetyFinding[] = [];
  const seen = new Set<string>();
  const report = (finding: SafetyFinding): void => {
    const key = `${finding.rule}|${finding.transition ?? ''}|${finding.phase}|${finding.object}|${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  const checkAll = rules === RULES;
  /** Runs a check, or skips it when it found `key`'s inputs clean before (no key: always runs). */
  const run = (key: string | undefined, check: () => SafetyFinding[]) => {
    const remember = checkAll && key !== undefined;
    if (remember && memo.clean.has(key)) return;
    const found = check();
    if (found.length === 0 && remember) memo.clean.add(key);
    found.forEach(report);
  };
  const transitionRules = rules.filter((rule): rule is TransitionRule => rule.scope === 'transition');
  const stateRules = rules.filter((rule): rule is StateRule => rule.scope === 'state');
  states.forEach((state, index) => {
    if (index > 0) {
      const before = states[index - 1];
      const pair = `${before.objectsId}>${state.objectsId}`;
      const resolution = () => {
        let resolved = memo.transitions.get(pair);
        if (resolved === undefined) memo.transitions.set(pair, (resolved = resolveTransition(before, state)));
        return resolved;
      };
      // The transition as rules that read gates see it, and as the others do: each built once, when first needed.
      let withGates: TransitionContext | undefined;
      let blind: TransitionContext | undefined;
      const contextFor = (rule: TransitionRule) => (rule.readsGates
        ? (withGates ??= analyzeTransition(before, state, resolution()))
        : (blind ??= analyzeTransition(withoutGates(before), withoutGates(state), resolution())));
      for (const rule of transitionRules) {
        run(rule.readsGates ? undefined : `${rule.id}|${pair}`, () => {
          const transition = contextFor(rule);
          return rule.check(transition).map((f) => ({ rule: rule.id, phase: state.label, transition: transition.label, ...f }));
        });
      }
    }
    for (const rule of stateRules) {
      run(`${rule.id}|${state.objectsId}`, () => rule.check(state).map((f) => ({ rule: rule.id, phase: state.label, ...f })));
    }
  });
  return findings;
}

/** The state as a rule that does not read gates sees it. */
function withoutGates(state: PhaseState): PhaseState {
  return { ...state, phase: { ...state.phase, gates: undefined } };
}

/**
 * Findings of an environment: its forward phases, then each rollback of its plan (those findings carry
 * the phase the rollback starts from). What `verify`, `plan` and synthesis all check.
 */
export function verifyEnvironment(phases: readonly PhaseManifest[], rollbacks: readonly RollbackSequence[]): SafetyFinding[] {
  const memo = new Memo();
  return [
    ...checkSequence(phases, RULES, memo),
    ...rollbacks.flatMap((rollback) => checkSequence(rollback.phases, RULES, memo).map((finding) => ({ ...finding, rollback: rollback.from }))),
  ];
}
