/**
 * The simulation reproduces the seed article: our phase plans lose no request, in-place rolling updates and
 * one-step releases do, and gates shorter than the simulated delays do. Each test names its schedule: `random`
 * draws bounded delays and its gates wait fixed seconds; `adversarial` delays config pushes without bound unless
 * a propagation gate waits for them (istiod's Reconciled) and keeps requests in flight across a route change
 * until a drain gate ends.
 */
import { loadPhases } from '../../src/verify';
import { simulateRelease, SimulationResult } from '../../src/simulate';
import { corpus } from './corpus';
import { inPlaceUpdate, onePhaseRelease, productionPlan, switchWithout, withSwitchGates } from './variants';

const failures = (result: SimulationResult) => Object.keys(result.total.codes).filter((code) => code !== '200').sort();

describe('our synthesized plans lose no request', () => {
  test.each(['production', 'staging'])('dist/%s over 500 random runs (seeds 1..500, 50 qps) and the adversarial schedule (500 qps)', (env) => {
    const { phases } = loadPhases(`${__dirname}/../../dist/${env}`);
    const failedRuns = [];
    for (let seed = 1; seed <= 500; seed++) {
      const result = simulateRelease(phases, { seed, qps: 50 });
      if (result.failed > 0) failedRuns.push({ seed, codes: result.total.codes });
    }
    expect(failedRuns).toEqual([]);
    const adversarial = simulateRelease(phases, { schedule: 'adversarial' });
    expect(adversarial.failed).toBe(0);
    expect(adversarial.stopped).toBeUndefined();
    expect(adversarial.total.requests).toBeGreaterThan(10000);
  });

  test('plans built by the release model (1-3 services, canary steps, gateways), random and adversarial', () => {
    const safe = corpus(40, 11).filter((plan) => plan.name === 'safe');
    for (const plan of safe) {
      for (const [schedule, seed] of [['random', 1], ['random', 2], ['adversarial', 1]] as const) {
        expect({ seed, schedule, codes: simulateRelease(plan.phases, { schedule, seed, qps: 100 }).total.codes })
          .toEqual({ seed, schedule, codes: { 200: expect.any(Number) } });
      }
    }
  });
});

describe('what the article saw', () => {
  test('an in-place rolling update of a routed Deployment loses requests whatever its preStop sleep (503 UC)', () => {
    for (const schedule of ['random', 'adversarial'] as const) {
      const result = simulateRelease(inPlaceUpdate(), { schedule });
      expect(failures(result)).toEqual(['503 UC']);
      // The article: 40 of 10,000 (0.4 %); the model loses a fraction of a percent too.
      expect(result.failed / result.total.requests).toBeGreaterThan(0.0005);
      expect(result.failed / result.total.requests).toBeLessThan(0.01);
    }
  });

  test('the same release applied as one phase fails with 503 NR and UH (random) and NR (adversarial)', () => {
    expect(failures(simulateRelease(onePhaseRelease(), { schedule: 'random' }))).toEqual(expect.arrayContaining(['503 NR', '503 UH']));
    // Without a propagation gate the adversary delivers the new subset only at the end: every request for v2 is NR.
    expect(failures(simulateRelease(onePhaseRelease(), { schedule: 'adversarial' }))).toContain('503 NR');
  });

  test('the subset switch loses nothing (200: 100 %)', () => {
    expect(simulateRelease(productionPlan(), { schedule: 'adversarial' }).failed).toBe(0);
  });
});

describe('gates matter', () => {
  // Random schedule, config pushes of 7 to 10 s: a gate that waits fixed seconds is enough or not, in every run.
  const pushes7to10 = { configPush: { min: 7, mean: 8, max: 10 } };

  test('random: a switch whose propagation wait plus drain is shorter than the config push delay loses requests; enough wait loses none', () => {
    for (const seed of [1, 2, 3]) {
      for (const [propagation, drain] of [[2, 2], [5, 1], [0, 5]]) {
        expect(simulateRelease(withSwitchGates(propagation, drain), { seed, timings: pushes7to10 }).failed).toBeGreaterThan(0);
      }
      expect(simulateRelease(withSwitchGates(5, 30), { seed, timings: pushes7to10 }).failed).toBe(0);
      expect(simulateRelease(withSwitchGates(10, 0.5), { seed, timings: pushes7to10 }).failed).toBe(0);
    }
  });

  test('random: pushes slower than everything the plan waits lose requests even with its gates', () => {
    const slow = { configPush: { min: 36, mean: 38, max: 40 } };
    // The switch's route still points at v1 when cleanup deletes its pods (its subset removal is as slow): 503 UH.
    expect(failures(simulateRelease(productionPlan(), { timings: slow }))).toContain('503 UH');
  });

  test('adversarial: a propagation gate waits for Reconciled, however slow the pushes; a switch without one loses requests whatever its drain', () => {
    const slow = { configPush: { min: 36, mean: 38, max: 40 } };
    expect(simulateRelease(productionPlan(), { schedule: 'adversarial', timings: slow }).failed).toBe(0);
    expect(simulateRelease(withSwitchGates(0, 0.5), { schedule: 'adversarial' }).failed).toBe(0); // waits for Reconciled, then drains
    expect(failures(simulateRelease(switchWithout('propagation'), { schedule: 'adversarial' }))).toContain('503 NR');
  });

  test('adversarial: without a drain, requests in flight across the switch are cut when cleanup deletes their pods (503 UC)', () => {
    expect(failures(simulateRelease(switchWithout('drain'), { schedule: 'adversarial' }))).toEqual(['503 UC']);
    expect(simulateRelease(switchWithout('drain'), { schedule: 'random' }).failed).toBe(0); // requests are short
  });
});

describe('determinism', () => {
  test('the same seed gives the same result; another seed may differ', () => {
    const phases = inPlaceUpdate();
    expect(simulateRelease(phases, { seed: 42 })).toEqual(simulateRelease(phases, { seed: 42 }));
    const results = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(simulateRelease(phases, { seed }).total)));
    expect(results.size).toBeGreaterThan(1);
  });

  test('options are reflected: qps and duration give the number of requests of the last phase', () => {
    const [baseline] = productionPlan();
    const result = simulateRelease([{ ...baseline, gates: undefined }], { qps: 100, durationSeconds: 10 });
    expect(result.total).toEqual({ requests: 1000, codes: { 200: 1000 } });
  });
});
