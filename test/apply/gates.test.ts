/**
 * Gates that cannot silently weaken, in both executors: a failed check of whether istiod reports config
 * status (RBAC denial, API error) is retried, then fails the gate; it never turns into fixed sleeps.
 * The cluster is the stand-in of test/apply/stand-in.ts, failing the calls named.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { executorCommands, StandInCluster, StandInSettings, synthesizedExample } from './stand-in';

const dist = synthesizedExample();
const production = join(dist, 'production');
const EXECUTORS = executorCommands(production);

function run(cluster: StandInCluster, executor: string, settings: StandInSettings, ...args: string[]) {
  const [program, ...rest] = EXECUTORS[executor];
  const result = spawnSync(program, [...rest, ...args], { env: cluster.env(settings), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.split(dist).join('DIST') };
}

const STATUS_CHECK = 'kubectl --request-timeout=60s get gateway.networking.istio.io/production-gateway -n production -o jsonpath={.status.conditions[*].type}';

test.each(['apply.sh', 'phased-rollout apply'])('%s: a failing check of istiod\'s config status is retried, then fails the gate (no fixed sleeps)', (executor) => {
  const cluster = new StandInCluster();
  const result = run(cluster, executor, { istioStatus: true, fail: 'status.conditions' });
  expect(result.status).toBe(1);
  expect(result.stdout).not.toContain('istiod reports no config status');
  expect(result.stdout).toContain('  propagation: cannot tell whether istiod reports config status (exit 1); retrying in 1s\n');
  expect(result.stdout).toContain('  propagation: cannot tell whether istiod reports config status (exit 1); retrying in 2s\n');
  expect(result.stderr).toContain(`production: phase 00-baseline: detect istiod config status failed (exit 1): ${STATUS_CHECK.replace(/(jsonpath=.*)/, "'$1'")}`);
  expect(result.stderr).toContain('resume with: ');
  expect(cluster.calls().filter((c) => c.line === STATUS_CHECK)).toHaveLength(3);
  // Nothing after the failed gate: the record shows 00-baseline applying, no further folder.
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '', applying: '00-baseline' }));
  expect(cluster.calls().some((c) => c.line.includes('01-prepare'))).toBe(false);
});

test.each(['apply.sh', 'phased-rollout apply'])('%s: a check that succeeds with no conditions is "no config status" (the fixed-seconds fallback)', (executor) => {
  const cluster = new StandInCluster();
  const result = run(cluster, executor, {});
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('istiod reports no config status and istioctl is not on PATH');
  expect(cluster.calls().filter((c) => c.line === STATUS_CHECK)).toHaveLength(1);
});

describe('every kubectl call has a deadline: a call that never answers fails the run, it does not hang it', () => {
  const bounded = (executor: string, settings: StandInSettings, ...args: string[]) => {
    const cluster = new StandInCluster();
    const started = Date.now();
    const result = run(cluster, executor, { istioStatus: true, ...settings }, ...args);
    return { ...result, seconds: (Date.now() - started) / 1000, cluster };
  };

  test.each(['apply.sh', 'phased-rollout apply'])('%s: a read of the record past --call-timeout', (executor) => {
    const result = bounded(executor, { hang: 'get configmap phased-rollout-production ' }, '--call-timeout', '1');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('timed out: no answer within 1s (the deadline of this call)');
    expect(result.stderr).toContain('cannot read the resume record');
    expect(result.seconds).toBeLessThan(8);
  });

  test.each(['apply.sh', 'phased-rollout apply'])('%s: a phase folder\'s apply past --call-timeout fails that step', (executor) => {
    // The first folder apply (00-baseline's); the live check before it reads the same folder and must answer.
    const result = bounded(executor, { hang: 'apply --server-side --field-manager=phased-rollout -f /' }, '--call-timeout', '1');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/production: phase 00-baseline: apply 00-baseline failed \(exit 124\): kubectl --request-timeout=60s apply /);
    expect(result.stderr).toContain('timed out: no answer within 1s (the deadline of this call)');
    expect(result.seconds).toBeLessThan(8);
  });

  test.each(['apply.sh', 'phased-rollout apply'])('%s: a propagation wait past --timeout and its margin fails the gate', (executor) => {
    const result = bounded(executor, { hang: 'wait --for=condition=Reconciled' }, '--timeout', '1');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/production: phase 00-baseline: gate propagation \S+ failed \(exit 124\): kubectl wait --for=condition=Reconciled /);
    expect(result.stderr).toContain('timed out: no answer within 11s (the deadline of this call)');
    expect(result.seconds).toBeLessThan(20);
  }, 30_000);
});
