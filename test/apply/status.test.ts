/**
 * `phased-rollout status`, `verify --live` and `plan --live` against the stand-in cluster of
 * test/apply/stand-in.ts, which stores the objects it is given: it stands in for the cluster.
 * Each exit code of status (0 in sync, 3 drifted, 4 in progress, 5 unreachable) has its case.
 */
import { join } from 'node:path';
import { run as applyCommand } from '../../src/cli/commands/apply';
import { run as planCommand } from '../../src/cli/commands/plan';
import { run as statusCommand } from '../../src/cli/commands/status';
import { run as verifyCommand } from '../../src/cli/commands/verify';
import { STATUS_EXIT_CODES } from '../../src/apply/status';
import { hideDist, StandInCluster, synthesizedExample } from './stand-in';
import { captureStdout, CommandOutcome, runLikeMain } from '../command';

const dist = synthesizedExample();
const production = join(dist, 'production');
const staging = join(dist, 'staging');
const stdout = captureStdout();
const savedEnv = process.env;
let cluster: StandInCluster;

beforeEach(() => {
  cluster = new StandInCluster();
  process.env = cluster.env({ istioStatus: true });
});
afterEach(() => {
  process.env = savedEnv;
});

const apply = (...argv: string[]) => runLikeMain(applyCommand, argv);
const status = async (...argv: string[]): Promise<CommandOutcome> => hideDist(await runLikeMain(statusCommand, argv), dist);
const output = () => stdout().split(dist).join('DIST');

test('the exit codes are distinct, and 1 and 2 stay a failed command and unusable input', () => {
  expect(STATUS_EXIT_CODES).toEqual({ 'in-sync': 0, drifted: 3, 'in-progress': 4, unreachable: 5 });
});

test('in sync (exit 0): nothing applied yet, then the complete release with its traffic split', async () => {
  expect(await status(production)).toEqual({ code: 0 });
  expect(output()).toBe([
    'production: in-sync (record: no record: no phase applied)',
    'cluster: holds none of the first phase\'s objects',
    'next: apply: phased-rollout apply DIST/production',
    '',
  ].join('\n'));
  expect(await apply(production)).toEqual({ code: 0 });
  stdout.reset();
  expect(await status(production, '--context', 'prod')).toEqual({ code: 0 });
  expect(output()).toBe([
    'production: in-sync (record: 03-cleanup completed: the release is complete)',
    'cluster: holds 03-cleanup',
    'traffic:',
    '  VirtualService production/barista: barista v1 100%',
    '  VirtualService production/coffee-shop: coffee-shop v2 100%',
    '  VirtualService production/coffee-shop-gateway: coffee-shop v2 100%',
    'next: nothing to apply; to undo the release: phased-rollout rollback DIST/production --context prod',
    '',
  ].join('\n'));
});

test('in progress (exit 4): a canary part-way, with its live split and the command that resumes', async () => {
  expect(await apply(staging, '--to', '02-canary-10')).toEqual({ code: 0 });
  stdout.reset();
  expect(await status(staging)).toEqual({ code: 4 });
  expect(output()).toContain('staging: in-progress (record: 02-canary-10 completed)\ncluster: holds 02-canary-10\n');
  expect(output()).toContain('  VirtualService staging/coffee-shop: coffee-shop v2 90%, coffee-shop v3 10%\n');
  expect(output()).toContain('next: resume: phased-rollout apply DIST/staging (continues at 03-canary-50), or roll back: phased-rollout rollback DIST/staging\n');
});

test('drifted (exit 3): the objects that differ, the field, and what to do; -o json says the same', async () => {
  expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
  cluster.edit('Deployment', 'production', 'barista-v1', (d) => { d.spec.replicas = 5; });
  stdout.reset();
  expect(await status(production)).toEqual({ code: 3 });
  expect(output()).toContain('production: drifted (record: 01-prepare completed)\ncluster: differs from 01-prepare:\n' +
    '  Deployment production/barista-v1: spec.replicas: live 5, 01-prepare 3\n');
  expect(output()).toContain('next: the cluster drifted from 01-prepare: restore the objects (kubectl apply the phase folder) or find out who changed them; ' +
    'then: resume: phased-rollout apply DIST/production (continues at 02-switch)');
  stdout.reset();
  expect(await status(production, '-o', 'json')).toEqual({ code: 3 });
  const report = JSON.parse(stdout());
  expect(report).toEqual(expect.objectContaining({ environment: 'production', state: 'drifted', phase: '01-prepare' }));
  expect(report.differences).toEqual([{ object: 'Deployment production/barista-v1', status: 'changed', fields: [{ path: 'spec.replicas', live: 5, phase: 3 }] }]);
});

test('unreachable (exit 5): the record cannot be read', async () => {
  process.env = cluster.env({ fail: 'get configmap' });
  expect(await status(production)).toEqual({ code: 5 });
  expect(output()).toContain('production: unreachable (record: unknown)\n  cannot read the resume record (exit 1): error: timed out waiting for the condition\n');
  expect(output()).toContain('next: check the context and the credentials');
});

test('usage errors exit 2', async () => {
  expect((await status()).code).toBe(2);
  expect((await status(production, '-o', 'yaml')).code).toBe(2);
});

describe('verify --live and plan --live: live -> the next phase on demand', () => {
  test('a cluster at the recorded phase: the next phase is safe to apply (exit 0)', async () => {
    expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
    stdout.reset();
    expect(await runLikeMain(verifyCommand, [production, '--live'])).toEqual({ code: 0 });
    expect(output()).toBe('production: live -> 02-switch: safe to apply (the cluster holds 01-prepare, as the record says)\n');
    stdout.reset();
    expect(await runLikeMain(planCommand, [production, '--live'])).toEqual({ code: 0 });
    expect(output()).toContain('\nverified: no phase and no transition drops a request');
    expect(output().trim().split('\n').at(-1)).toBe('production: live -> 02-switch: safe to apply (the cluster holds 01-prepare, as the record says)');
  });

  test('a drifted cluster: the same message as apply, exit 1, nothing applied', async () => {
    expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
    cluster.edit('Deployment', 'production', 'barista-v1', (d) => { d.spec.replicas = 5; });
    const result = hideDist(await runLikeMain(verifyCommand, [production, '--live', '--context', 'prod']), dist);
    expect(result.code).toBe(1);
    expect(result.error!.split('\n')[0]).toBe('production: phase 02-switch: the live objects match neither 01-prepare (applied before) nor 02-switch: stopped before applying 02-switch');
    expect(result.error).toContain('then continue with: phased-rollout apply DIST/production --from 02-switch --context prod');
    expect((await runLikeMain(planCommand, [production, '--live'])).code).toBe(1);
  });

  test('a finished release: the cluster must hold the last phase', async () => {
    expect(await apply(production)).toEqual({ code: 0 });
    stdout.reset();
    expect(await runLikeMain(verifyCommand, [production, '--live'])).toEqual({ code: 0 });
    expect(output()).toBe('production: every phase is applied and the cluster holds 03-cleanup, the last\n');
    cluster.edit('Deployment', 'production', 'coffee-shop-v2', (d) => { d.spec.replicas = 1; });
    const drifted = await runLikeMain(verifyCommand, [production, '--live']);
    expect(drifted.code).toBe(1);
    expect(drifted.error).toContain('  Deployment production/coffee-shop-v2: spec.replicas: live 1, 03-cleanup 3');
  });
});
