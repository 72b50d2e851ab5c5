/**
 * The simulator and the verifier agree on a generated corpus of plans: under the adversarial schedule the
 * simulation loses requests for every plan the verifier rejects with a transition rule, and for no plan it
 * accepts. Two kinds of plans are rejected although the bounded-delay model loses nothing; they are named here.
 */
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { corpus, CorpusPlan } from './corpus';

/**
 * Rejections the model cannot turn into lost requests, because its delays are bounded:
 * - the switch keeps its 30 s drain but has no propagation gate: the verifier demands both, the drain alone
 *   already outlasts the longest config push (10 s);
 * - the version traffic leaves in the switch is changed in place in the same phase: its first old pod is
 *   deleted after a new one is ready (pod start + readiness delay >= 15 s), after every proxy has moved its
 *   route away (<= 10 s).
 */
function knownConservative(plan: CorpusPlan, rules: readonly string[]): boolean {
  if (plan.name === 'switch without propagation') return rules.every((r) => r === 'transition/removal-without-gates');
  return /^patch .* from switch$/.test(plan.name) && rules.includes('transition/in-place-update');
}

test('under the adversarial schedule, requests are lost exactly for the plans the verifier rejects', () => {
  const counts = { plans: 0, rejectedAndLost: 0, acceptedAndClean: 0, knownConservative: 0 };
  const disagreements: string[] = [];
  for (const plan of corpus(30, 5)) {
    counts.plans++;
    const rules = [...new Set(verifyPhases(plan.phases).map((f) => f.rule))];
    const rejected = rules.some((rule) => rule.startsWith('transition/'));
    const result = simulateRelease(plan.phases, { schedule: 'adversarial', durationSeconds: 15 });
    const lost = result.failed > 0;
    if (rejected && lost) counts.rejectedAndLost++;
    else if (!rejected && !lost) counts.acceptedAndClean++;
    else if (rejected && knownConservative(plan, rules)) counts.knownConservative++;
    else disagreements.push(`${plan.name}: verifier ${rules.join(', ') || 'clean'}, simulation ${JSON.stringify(result.total.codes)}`);
  }
  process.stdout.write(`simulator vs verifier: ${JSON.stringify(counts)}\n`);
  expect(disagreements).toEqual([]);
  expect(counts.rejectedAndLost).toBeGreaterThan(counts.plans / 4);
  expect(counts.acceptedAndClean).toBeGreaterThan(counts.plans / 4);
});
