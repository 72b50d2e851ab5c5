/**
 * Benchmark of `verify` on a 1,000-service environment (canary 10/50, every service released, half of them
 * with a gateway): writes the plan to a temp folder, then prints the object count and the median time of
 * loading the folder and of checking it. Run with `npx tsx bench/verify.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPhases, verifyPhases } from '../src/verify';
import { planPhases, releasePlan, writeEnvironment } from '../test/verify/fixtures';

const SERVICES = 1000;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time<T>(action: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = action();
  return { result, ms: performance.now() - start };
}

const services = Array.from({ length: SERVICES }, (_, i) => ({
  name: `svc-${i}`, from: 'v1', to: 'v2', strategy: i % 2 === 0 ? 'canary' as const : 'blueGreen' as const, gateway: i % 2 === 0,
}));
const dir = join(mkdtempSync(join(tmpdir(), 'verify-bench-')), 'production');
try {
  writeEnvironment(dir, 'production', 'shop', planPhases('shop', releasePlan(services, [10, 50]), true), true);
  const loads: number[] = [];
  const checks: number[] = [];
  let objects = 0;
  let phaseCount = 0;
  let findings = 0;
  for (let run = 0; run < RUNS; run++) {
    const load = time(() => loadPhases(dir));
    const check = time(() => verifyPhases(load.result.phases));
    loads.push(load.ms);
    checks.push(check.ms);
    phaseCount = load.result.phases.length;
    objects = load.result.phases.reduce((sum, p) => sum + p.objects.length, 0);
    findings = check.result.length;
  }
  const [load, check] = [median(loads), median(checks)];
  process.stdout.write(`${SERVICES} services, ${phaseCount} phases, ${objects} objects, ${findings} findings\n`);
  process.stdout.write(`verifyPhases (in memory): ${check.toFixed(0)} ms median of ${RUNS}\n`);
  process.stdout.write(`loadPhases (read + parse YAML): ${load.toFixed(0)} ms median of ${RUNS}\n`);
  process.stdout.write(`verify DIR total: ${(load + check).toFixed(0)} ms\n`);
} finally {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}
