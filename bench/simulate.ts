/**
 * Benchmark of `phased-rollout simulate`: the example production plan at 500 qps with 20 s of traffic after its
 * last phase (the whole release lasts about 80 s of simulated time), random and adversarial schedules.
 * Run with `npx tsx bench/simulate.ts`.
 */
import { simulateRelease } from '../src/simulate';
import { loadPhases } from '../src/verify';

const { phases } = loadPhases(`${__dirname}/../dist/production`);
for (const schedule of ['random', 'adversarial'] as const) {
  const start = process.hrtime.bigint();
  const result = simulateRelease(phases, { schedule, qps: 500, connections: 50, durationSeconds: 20, seed: 1 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const simulated = result.phases[result.phases.length - 1].endSeconds;
  process.stdout.write(`production, ${schedule}: ${result.total.requests} requests over ${simulated.toFixed(1)} simulated s, `
    + `${result.failed} failed, in ${ms.toFixed(0)} ms\n`);
}
