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
/** Loading parses ~44,000 YAML documents (seconds): fewer runs than the in-memory check. */
const LOAD_RUNS = 3;
const CHECK_RUNS = 7;

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
  const first = time(() => loadPhases(dir));
  const { phases } = first.result;
  // Later loads keep only their time, so that the heap holds one copy of the plan while checking.
  const loads = [first.ms, ...Array.from({ length: LOAD_RUNS - 1 }, () => time(() => loadPhases(dir)).ms)];
  const checks = Array.from({ length: CHECK_RUNS }, () => time(() => verifyPhases(phases)));
  const objects = phases.reduce((sum, p) => sum + p.objects.length, 0);
  const findings = checks[0].result.length;
  const [load, check] = [median(loads), median(checks.map((c) => c.ms))];
  process.stdout.write(`${SERVICES} services, ${phases.length} phases, ${objects} objects, ${findings} findings\n`);
  process.stdout.write(`verifyPhases (in memory): ${check.toFixed(0)} ms median of ${CHECK_RUNS}\n`);
  process.stdout.write(`loadPhases (read + parse YAML): ${load.toFixed(0)} ms median of ${LOAD_RUNS}\n`);
  process.stdout.write(`verify DIR total: ${(load + check).toFixed(0)} ms\n`);
} finally {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}
