/**
 * `phased-rollout rollback` against the stand-in cluster (test/apply/stand-in.ts): picks the bundle of
 * the phase the cluster record names, moves traffic back before deleting the new version, resumes itself,
 * and leaves a record after which a new `apply` starts from the baseline.
 */
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

test('rolls back from the recorded phase: traffic to the old version, wait, then delete the new version', async () => {
  expect(await cli(apply, production, '--to', '02-switch')).toEqual({ code: 0 });
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 });
  expect(stdout()).toContain('production: rolling back from 02-switch with DIST/rollback/production/02-switch'.replace('DIST', dist));
  expect(calls()).toEqual([
    'kubectl apply --server-side --field-manager=phased-rollout -f DIST/rollback/production/02-switch/00-switch',
    'kubectl rollout status deployment/barista-v1 -n production --timeout=600s', // only what the rollback keeps
    'kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s',
    'kubectl wait --for=condition=Reconciled gateway.networking.istio.io/production-gateway -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/barista -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/barista -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
    'kubectl apply --server-side --field-manager=phased-rollout -f DIST/rollback/production/02-switch/01-revert-traffic',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
    'kubectl apply --server-side --field-manager=phased-rollout -f DIST/rollback/production/02-switch/02-remove-new',
    'kubectl delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found',
    'kubectl delete poddisruptionbudget.policy/coffee-shop-v2 -n production --ignore-not-found',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
  ]);
  expect(cluster.record()).toEqual(expect.objectContaining({ title: 'production rollback from 02-switch', completed: '02-remove-new', finished: 'true' }));

  cluster.clearCalls();
  expect(await cli(apply, production)).toEqual({ code: 0 });
  expect(stdout()).toContain('the cluster record is of a previous plan that finished: starting at the first phase');
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
  expect(calls()).toContain('kubectl delete deployment.apps/coffee-shop-v2 -n production --ignore-not-found');
});

test('a failed rollback says how to resume it, and the same command resumes where it stopped', async () => {
  process.env = cluster.env({ istioStatus: true, fail: 'virtualservice.networking.istio.io/coffee-shop-gateway' });
  const failed = await cli(rollback, production, '--from', 'switch', '--context', 'prod');
  expect(failed.code).toBe(1);
  expect(failed.error).toContain('production rollback from 02-switch: phase 00-switch: gate propagation VirtualService/coffee-shop-gateway failed');
  expect(failed.error).toContain('resume with: phased-rollout rollback DIST/production --from 02-switch --context prod');
  process.env = cluster.env({ istioStatus: true });
  cluster.clearCalls();
  expect(await cli(rollback, production, '--from', '02-switch', '--context', 'prod')).toEqual({ code: 0 });
  expect(calls()[0]).toBe('kubectl --context=prod apply --server-side --field-manager=phased-rollout -f DIST/rollback/production/02-switch/00-switch');
  cluster.clearCalls();
  expect(await cli(rollback, production)).toEqual({ code: 0 }); // the record is the finished bundle's: nothing to do
  expect(stdout()).toContain('production rollback from 02-switch: every phase is already applied (last: 02-remove-new); nothing to do');
});

test('without a record and without --from: exit 1 asking for --from; at the baseline: nothing to do', async () => {
  expect(await cli(rollback, production)).toEqual({ code: 1, error: 'production: the cluster has no phased-rollout record: pass --from PHASE, the phase the environment is at' });
  expect(await cli(rollback, production, '--from', 'baseline')).toEqual({ code: 0 });
  expect(stdout()).toContain('at the baseline (00-baseline); nothing to roll back');
  expect((await cli(rollback, production, '--from', 'nope')).code).toBe(2);
});
