/**
 * The capacity gate in every executor that runs a plan: `phased-rollout apply` (the Node engine) and apply.sh
 * (real shell) wait, after the rollout and before propagation, for the pods the autoscaler was raised to; a gate
 * that fails stops the run before the next phase. The cluster is the stand-in of test/apply/stand-in.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateMatrix } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import { writeTreeAtomically } from '../../src/synth/output';
import { executorCommands, StandInCluster } from '../apply/stand-in';
import { autoscaledMatrix } from './fixtures';

const dist = join(mkdtempSync(join(tmpdir(), 'hpa-apply-')), 'dist');
writeTreeAtomically(dist, synthesizeFiles(validateMatrix(autoscaledMatrix())));
const production = join(dist, 'production');
const EXECUTORS = executorCommands(production);

function run(cluster: StandInCluster, executor: string, fail?: string) {
  const [program, ...rest] = EXECUTORS[executor];
  const result = spawnSync(program, rest, { env: cluster.env({ fail }), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.split(dist).join('DIST') };
}

const WAIT_V2 = 'kubectl wait --for=jsonpath={.status.availableReplicas}=6 deployment/shop-v2 -n shop --timeout=600s';

test.each(['apply.sh', 'phased-rollout apply'])('%s waits for the raised capacity after the rollout, before propagation and the next phase', (executor) => {
  const cluster = new StandInCluster();
  const result = run(cluster, executor);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  const lines = cluster.calls().map((c) => c.line.split(dist).join('DIST'));
  const at = (text: string) => lines.findIndex((line) => line.includes(text));
  expect(lines.filter((line) => line.includes('availableReplicas'))).toEqual([
    'kubectl wait --for=jsonpath={.status.availableReplicas}=6 deployment/shop-v1 -n shop --timeout=600s',
    WAIT_V2,
  ]);
  expect(at('rollout status deployment/shop-v2')).toBeLessThan(at(WAIT_V2));
  expect(at(WAIT_V2)).toBeLessThan(at('DIST/production/02-canary-20'));
  expect(result.stdout).toMatch(executor === 'apply.sh' ? /gate capacity deployment\/shop-v2/ : /gate capacity Deployment\/shop-v2 \(6 available\)/);
});

test.each(['apply.sh', 'phased-rollout apply'])('%s stops when the capacity gate fails: no traffic moves', (executor) => {
  const cluster = new StandInCluster();
  const result = run(cluster, executor, 'availableReplicas}=6 deployment/shop-v2');
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/production: phase 01-prepare: gate capacity (deployment|Deployment)\/shop-v2.* failed \(exit 1\)/);
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '00-baseline', applying: '01-prepare' }));
  expect(cluster.calls().some((c) => c.line.includes('02-canary-20'))).toBe(false);
});

test('the apply.sh of an autoscaled release passes shellcheck (POSIX sh)', () => {
  const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', join(production, 'apply.sh')], { encoding: 'utf8' });
  expect(result.error).toBeUndefined();
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '' });
});
