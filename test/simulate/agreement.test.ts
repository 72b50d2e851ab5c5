/**
 * The simulator and the verifier agree on a generated corpus of plans: under the adversarial schedule the
 * simulation loses requests for exactly the plans the verifier rejects with a transition rule. Both assume that
 * config propagation has no upper bound unless a propagation gate waits for it, and that requests in flight
 * across a route change end only with a drain gate.
 */
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { corpus } from './corpus';

test('under the adversarial schedule, requests are lost exactly for the plans the verifier rejects', () => {
  const counts = { rejectedAndLost: 0, acceptedAndClean: 0, rejectedButClean: 0, acceptedButLost: 0 };
  const lostBy = new Map<string, number>();
  const disagreements: string[] = [];
  for (const plan of corpus(30, 5)) {
    const rules = [...new Set(verifyPhases(plan.phases).map((f) => f.rule))];
    const rejected = rules.some((rule) => rule.startsWith('transition/'));
    const result = simulateRelease(plan.phases, { schedule: 'adversarial', durationSeconds: 15 });
    const lost = result.failed > 0;
    const kind = plan.name.replace(/^(drop|no gates after|patch) .*/, '$1');
    if (lost) lostBy.set(kind, (lostBy.get(kind) ?? 0) + 1);
    if (rejected && lost) counts.rejectedAndLost++;
    else if (!rejected && !lost) counts.acceptedAndClean++;
    else {
      counts[rejected ? 'rejectedButClean' : 'acceptedButLost']++;
      disagreements.push(`${plan.name}: verifier ${rules.join(', ') || 'clean'}, simulation ${JSON.stringify(result.total.codes)}`);
    }
  }
  process.stdout.write(`simulator vs verifier: ${JSON.stringify(counts)}, lost by kind: ${JSON.stringify(Object.fromEntries(lostBy))}\n`);
  expect(disagreements).toEqual([]);
  expect(counts).toEqual({ rejectedAndLost: 111, acceptedAndClean: 69, rejectedButClean: 0, acceptedButLost: 0 });
  // The two kinds a bounded-delay model used to miss are among the losses: the switch keeps its drain but lacks
  // a propagation gate, and the version traffic leaves at the switch is changed in place.
  expect(lostBy.get('switch without propagation')).toBeGreaterThan(20);
  expect(lostBy.get('switch without drain')).toBeGreaterThan(20);
  expect(lostBy.get('patch')).toBeGreaterThan(20);
});
