/** Runs the rule registry over a sequence of phases: pure, in memory, linear in the number of objects. */
import type { PhaseGates } from '../plan/plan-file';
import type { RollbackSequence } from './load';
import { RULES } from './rules';
import { buildState, PhaseState } from './state';
import { analyzeTransition, resolveTransition, TransitionResolution } from './transition';
import { Finding, Phase, Rule, StateRule, TransitionRule } from './types';

/**
 * Rules and the inputs they found clean: a rollback re-applies forward phases, so the same states and
 * transitions recur. Rules decide from the objects and, for those that read them, the gates only (names of
 * phases appear in messages, never in decisions), so a clean result holds whatever the phases are called.
 */
const clean = new Set<string>();
const objectIds = new WeakMap<object, number>();
let nextObjectsId = 0;

/** Identity of a state's objects: buildState shares one index per object list. */
function objectsId(state: PhaseState): number {
  let id = objectIds.get(state.deployments);
  if (id === undefined) {
    id = nextObjectsId++;
    objectIds.set(state.deployments, id);
  }
  return id;
}

/** Small ids of gates by content: the keys of the clean set stay short (a rollback step's gates list thousands of objects). */
const gatesIds = new Map<string, number>();
const gatesIdsByObject = new WeakMap<PhaseGates, number>();

function gatesId(gates: PhaseGates | undefined): number {
  if (gates === undefined) return -1;
  let id = gatesIdsByObject.get(gates);
  if (id === undefined) {
    const text = JSON.stringify(gates);
    id = gatesIds.get(text);
    if (id === undefined) gatesIds.set(text, (id = gatesIds.size));
    gatesIdsByObject.set(gates, id);
  }
  return id;
}

/** Resolved transitions by pair of object lists (`3>5`): one environment's rollbacks cross the same pairs again. */
type Resolutions = Map<string, TransitionResolution>;

/**
 * Findings for every phase and every transition between consecutive phases, in phase order; empty when
 * the sequence is safe to apply. `rules` defaults to the whole registry.
 */
export function verifyPhases(phases: readonly Phase[], rules: readonly Rule[] = RULES): Finding[] {
  return checkSequence(phases, rules, new Map());
}

function checkSequence(phases: readonly Phase[], rules: readonly Rule[], resolutions: Resolutions): Finding[] {
  const states = phases.map(buildState);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (finding: Finding): void => {
    const key = `${finding.rule}|${finding.transition ?? ''}|${finding.phase}|${finding.object}|${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  const checkAll = rules === RULES;
  const run = (key: string, check: () => Finding[]) => {
    if (checkAll && clean.has(key)) return;
    const found = check();
    if (found.length === 0 && checkAll) clean.add(key);
    found.forEach(report);
  };
  const transitionRules = rules.filter((rule): rule is TransitionRule => rule.scope === 'transition');
  const stateRules = rules.filter((rule): rule is StateRule => rule.scope === 'state');
  states.forEach((state, index) => {
    if (index > 0) {
      const before = states[index - 1];
      const pair = `${objectsId(before)}>${objectsId(state)}`;
      const gates = `${gatesId(before.phase.gates)}|${gatesId(state.phase.gates)}`;
      const resolution = () => {
        let resolved = resolutions.get(pair);
        if (resolved === undefined) resolutions.set(pair, (resolved = resolveTransition(before, state)));
        return resolved;
      };
      for (const rule of transitionRules) {
        run(rule.readsGates ? `${rule.id}|${pair}|${gates}` : `${rule.id}|${pair}`, () => {
          const transition = rule.readsGates
            ? analyzeTransition(before, state, resolution())
            : analyzeTransition(withoutGates(before), withoutGates(state), resolution());
          return rule.check(transition).map((f) => ({ rule: rule.id, phase: state.label, transition: transition.label, ...f }));
        });
      }
    }
    for (const rule of stateRules) {
      run(`${rule.id}|${objectsId(state)}`, () => rule.check(state).map((f) => ({ rule: rule.id, phase: state.label, ...f })));
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
export function verifyEnvironment(phases: readonly Phase[], rollbacks: readonly RollbackSequence[]): Finding[] {
  const resolutions: Resolutions = new Map();
  return [
    ...checkSequence(phases, RULES, resolutions),
    ...rollbacks.flatMap((rollback) => checkSequence(rollback.phases, RULES, resolutions).map((finding) => ({ ...finding, rollback: rollback.from }))),
  ];
}
