/**
 * `phased-rollout rollback` against the stand-in cluster (test/apply/stand-in.ts): runs plan.json's
 * rollback from the phase the cluster record names, applying the environment's own forward phase
 * folders, moves traffic back before deleting the new version, resumes itself, and leaves a record
 * after which a new `apply` starts from the baseline.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run as apply } from '../../src/cli/commands/apply';
import { run as rollback } from '../../src/cli/commands/rollback';
import { hideDist, show, StandInCluster, synthesizedExample } from './stand-in';
import { captureStdout, CommandOutcome, runLikeMain } from '../command';

const dist = synthesizedExample();
const production = join(dist, 'production');
const savedEnv = process.env;
let cluster: StandInCluster;
const stdout = captureStdout();

beforeEach(() => {
  cluster = new StandInCluster();
  process.env = cluster.env({ istioStatus: true });
});
afterEach(() => {
  process.env = savedEnv;
});

async function cli(command: typeof apply, ...argv: string[]): Promise<CommandOutcome> {
  return hideDist(await runLikeMain(command, argv), dist);
}
const calls = () => cluster.calls().map((c) => show(c, dist)).filter((c) => !c.includes('-f -') && !c.includes('get '));

const FROM_SWITCH = [
  'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/02-switch', // reapply
  'kubectl rollout status deployment/barista-v1 -n production --timeout=600s', // only what the rollback keeps
  'kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s',
  'kubectl wait --for=condition=Reconciled gateway.networking.istio.io/production-gateway -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/barista -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/barista -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
  'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/01-prepare', // revert-traffic
  'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
  'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
  'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/00-baseline', // remove-new
  'kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found',
  'kubectl --request-timeout=60s delete poddisruptionbudget.policy/coffee-shop-v2 -n production --ignore-not-found',
  'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
];

test('rolls back from the recorded phase with the forward folders: traffic to the old version, wait, then delete the new version', async () => {
  expect(await cli(apply, production, '--to', '02-switch')).toEqual({ code: 0 });
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 });
  expect(stdout()).toContain('production: rolling back from 02-switch: reapply (02-switch), revert-traffic (01-prepare), remove-new (00-baseline)');
  expect(calls()).toEqual(FROM_SWITCH);
  expect(cluster.record()).toEqual(expect.objectContaining({ title: 'production rollback from 02-switch', completed: 'remove-new', applying: '', finished: 'true' }));
  expect(cluster.record()!.plan).toMatch(/^files-sha256-[0-9a-f]{20}\/rollback\/02-switch$/);

  cluster.clearCalls();
  expect(await cli(apply, production)).toEqual({ code: 0 });
  expect(stdout()).toContain('the cluster record is of a previous plan that finished: starting at the first phase');
});

test('from cleanup: the old version is restored (02-switch) before traffic moves back to it (01-prepare)', async () => {
  expect(await cli(apply, production)).toEqual({ code: 0 });
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 });
  expect(calls().filter((c) => / apply |rollout status|delete /.test(c))).toEqual([
    'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/03-cleanup',
    'kubectl rollout status deployment/barista-v1 -n production --timeout=600s',
    'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/02-switch',
    'kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s',
    'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/01-prepare',
    'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/00-baseline',
    'kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found',
    'kubectl --request-timeout=60s delete poddisruptionbudget.policy/coffee-shop-v2 -n production --ignore-not-found',
  ]);
});

test('a rollback from a phase whose new Deployment never became ready does not wait for it', async () => {
  process.env = cluster.env({ istioStatus: true, fail: 'deployment/coffee-shop-v2' });
  expect((await cli(apply, production)).code).toBe(1);
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '00-baseline', applying: '01-prepare' }));
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 });
  expect(calls().filter((c) => c.includes('rollout status'))).toEqual([
    'kubectl rollout status deployment/barista-v1 -n production --timeout=600s',
    'kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s',
  ]);
  expect(calls()).toContain('kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found');
});

test('a failed rollback says how to resume it; the same command, or none, resumes after the last completed step', async () => {
  cluster.seed(join(production, '02-switch')); // the stand-in cluster holds the phase --from names
  process.env = cluster.env({ istioStatus: true, fail: 'virtualservice.networking.istio.io/coffee-shop-gateway' });
  const failed = await cli(rollback, production, '--from', 'switch', '--context', 'prod');
  expect(failed.code).toBe(1);
  expect(failed.error).toContain('production rollback from 02-switch: step reapply: gate propagation VirtualService/coffee-shop-gateway failed');
  expect(failed.error).toContain('resume with: phased-rollout rollback DIST/production --from 02-switch --context prod');
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '', applying: 'reapply', finished: 'false' }));

  // Fail again when applying the last step's folder, so that the resume starts after a completed step.
  process.env = cluster.env({ istioStatus: true, fail: 'production/00-baseline' });
  expect((await cli(rollback, production, '--from', '02-switch', '--context', 'prod')).code).toBe(1);
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: 'revert-traffic', applying: '', finished: 'false' }));

  process.env = cluster.env({ istioStatus: true });
  cluster.clearCalls();
  expect(await cli(rollback, production, '--context', 'prod')).toEqual({ code: 0 }); // the record names the rollback
  expect(stdout()).toContain('the cluster record shows revert-traffic completed: resuming after it');
  expect(calls()).toEqual(FROM_SWITCH.slice(12).map((c) => c.replace('kubectl ', 'kubectl --context=prod ')));
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 }); // the record is the finished rollback's: nothing to do
  expect(stdout()).toContain('production rollback from 02-switch: every step is already applied (last: remove-new); nothing to do');
  expect(calls()).toEqual([]);
});

test('--dry-run prints the steps\' commands and changes nothing', async () => {
  expect(await cli(rollback, production, '--from', '02-switch', '--dry-run')).toEqual({ code: 0 });
  expect(cluster.calls().map((c) => c.line)).toEqual([expect.stringMatching(/^kubectl --request-timeout=60s get configmap phased-rollout-production /)]);
  const printed = stdout();
  expect(printed).toContain('# step revert-traffic (2/3): 01-prepare');
  for (const call of FROM_SWITCH.filter((c) => !c.includes('Reconciled') || c.includes('coffee-shop-gateway'))) {
    expect(printed).toContain(call.replace('DIST', dist));
  }
});

test('a dry run that cannot read the record fails without advising --from, which a rollback reads the record with too', async () => {
  process.env = cluster.env({ fail: 'get configmap' });
  const result = await cli(rollback, production, '--from', '02-switch', '--dry-run');
  expect(result.code).toBe(1);
  expect(result.error).toMatch(/^cannot read the resume record \(kubectl get configmap phased-rollout-production -n production exited 1\): /);
});

test('without a record and without --from: exit 1 asking for --from; at the baseline: nothing to do', async () => {
  expect(await cli(rollback, production)).toEqual({ code: 1, error: 'production: the cluster has no phased-rollout record: pass --from PHASE, the phase the environment is at' });
  expect(await cli(rollback, production, '--from', 'baseline')).toEqual({ code: 0 });
  expect(stdout()).toContain('at the baseline (00-baseline); nothing to roll back');
  expect((await cli(rollback, production, '--from', 'nope')).code).toBe(2);
});

describe('a rollback starts from what the cluster holds: --from must agree with the record', () => {
  const script = (...args: string[]) => {
    const result = spawnSync('sh', [join(production, 'apply.sh'), '--rollback', ...args], { env: cluster.env({ istioStatus: true }), encoding: 'utf8' });
    return { code: result.status, error: result.stderr.trim().replace(/^production: /, '') };
  };
  const engine = async (...args: string[]) => {
    const result = await cli(rollback, production, ...args);
    return { code: result.code, error: result.error?.replace(/^production: /, '') };
  };

  test.each([
    ['03-cleanup completed', 'prepare', ['--to', 'cleanup'], '03-cleanup completed', '03-cleanup'],
    ['03-cleanup completed', 'baseline', ['--to', 'cleanup'], '03-cleanup completed', '03-cleanup'],
    ['01-prepare completed', 'cleanup', ['--to', 'prepare'], '01-prepare completed', '01-prepare'],
  ])('the record shows %s: rollback --from %s is refused by both executors, naming the phase to use', async (_name, from, applyArgs, shows, at) => {
    expect((await cli(apply, production, ...applyArgs)).code).toBe(0);
    cluster.clearCalls();
    const folder = { baseline: '00-baseline', prepare: '01-prepare', cleanup: '03-cleanup' }[from];
    const message = `--from ${folder} contradicts the cluster record, which shows ${shows}: the environment is at ${at}; roll back with --from ${at}, or without --from`;
    expect(await engine('--from', from)).toEqual({ code: 1, error: message });
    expect(script('--from', from)).toEqual({ code: 1, error: message });
    // Nothing was applied: before the fix, 01-prepare was applied again, routing traffic to a re-created old version.
    expect(calls()).toEqual([]);
    expect(cluster.record()).toEqual(expect.objectContaining({ completed: at, finished: at === '03-cleanup' ? 'true' : 'false' }));
    expect((await engine('--from', at)).code).toBe(0);
  });

  test('a phase applied but not passed: --from names it; a rollback stopped part-way: --from names the phase it rolls back from', async () => {
    process.env = cluster.env({ istioStatus: true, fail: 'deployment/coffee-shop-v2' });
    expect((await cli(apply, production)).code).toBe(1);
    process.env = cluster.env({ istioStatus: true });
    const applying = '--from 00-baseline contradicts the cluster record, which shows 01-prepare applied (its gates not passed): ' +
      'the environment is at 01-prepare; roll back with --from 01-prepare, or without --from';
    expect(await engine('--from', 'baseline')).toEqual({ code: 1, error: applying });
    expect(script('--from', 'baseline')).toEqual({ code: 1, error: applying });

    process.env = cluster.env({ istioStatus: true, fail: 'production/00-baseline' });
    expect((await engine('--from', 'prepare')).code).toBe(1); // the rollback from 01-prepare stops at its last step
    process.env = cluster.env({ istioStatus: true });
    const stopped = '--from 02-switch contradicts the cluster record, which shows the rollback from 01-prepare stopped after reapply: ' +
      'the environment is at 01-prepare; roll back with --from 01-prepare, or without --from';
    expect(await engine('--from', 'switch')).toEqual({ code: 1, error: stopped });
    expect(script('--from', 'switch')).toEqual({ code: 1, error: stopped });
    expect((await engine('--from', 'prepare')).code).toBe(0);
    const finished = '--from 02-switch contradicts the cluster record, which shows the rollback from 01-prepare finished: ' +
      'the environment is at the baseline (00-baseline); nothing to roll back';
    expect(await engine('--from', 'switch')).toEqual({ code: 1, error: finished });
    expect(script('--from', 'switch')).toEqual({ code: 1, error: finished });
  });
});
