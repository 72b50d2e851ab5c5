/** Runs the rule registry over a sequence of phases: pure, in memory, linear in the number of objects. */
import { RULES } from './rules';
import { buildState } from './state';
import { analyzeTransition } from './transition';
import { Finding, Phase, Rule } from './types';

/**
 * Findings for every phase and every transition between consecutive phases, in phase order; empty when
 * the sequence is safe to apply. `rules` defaults to the whole registry.
 */
export function verifyPhases(phases: readonly Phase[], rules: readonly Rule[] = RULES): Finding[] {
  const states = phases.map(buildState);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (finding: Finding): void => {
    const key = `${finding.rule}|${finding.transition ?? ''}|${finding.phase}|${finding.object}|${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  states.forEach((state, index) => {
    if (index > 0) {
      const transition = analyzeTransition(states[index - 1], state);
      for (const rule of rules) {
        if (rule.scope !== 'transition') continue;
        for (const f of rule.check(transition)) report({ rule: rule.id, phase: state.label, transition: transition.label, ...f });
      }
    }
    for (const rule of rules) {
      if (rule.scope !== 'state') continue;
      for (const f of rule.check(state)) report({ rule: rule.id, phase: state.label, ...f });
    }
  });
  return findings;
}
