/**
 * `phased-rollout apply` against a stand-in cluster (test/apply/stand-in.ts): a `kubectl` first on
 * PATH that records its calls. Checks the exact order of apply, delete and wait per phase, stopping at
 * a failing gate with the resume command, resuming from the recorded phase, and dry runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPlan, processRuntime, readPlanDirectory } from '../../src/apply';
import { run } from '../../src/cli/commands/apply';
import { hideDist, show, StandInCluster, synthesizedExample } from './stand-in';
import { captureStdout, CommandOutcome, runLikeMain } from '../command';

const dist = synthesizedExample();
const production = join(dist, 'production');
let cluster: StandInCluster;
const stdout = captureStdout();
const savedEnv = process.env;

function useCluster(settings: Parameters<StandInCluster['env']>[0] = {}, istioctl = false): void {
  cluster = new StandInCluster({ istioctl });
  process.env = cluster.env(settings);
}

beforeEach(() => {
  useCluster({ istioStatus: true });
});
afterEach(() => {
  process.env = savedEnv;
});

/** Runs the command like main() does, with the temporary dist folder shown as DIST. */
async function apply(...argv: string[]): Promise<CommandOutcome> {
  return hideDist(await runLikeMain(run, argv), dist);
}

const calls = () => cluster.calls().map((c) => show(c, dist));
const SSA = 'apply --server-side --field-manager=phased-rollout';
const RECORD_READ = 'kubectl --request-timeout=60s get configmap phased-rollout-production -n production --ignore-not-found -o jsonpath={.data.plan}|{.data.completed}|{.data.applying}|{.data.finished}';

test('applies every phase in order: folder, record, deletes, then rollout, propagation and drain gates', async () => {
  expect(await apply(production)).toEqual({ code: 0 });
  // Holding the environment's lock from before the record is read to the end.
  const all = cluster.allCalls().map((c) => c.line);
  expect([all[0], all[1], all.at(-1)]).toEqual(['kubectl --request-timeout=60s create -f -', RECORD_READ, 'kubectl --request-timeout=60s delete configmap phased-rollout-production-lock -n production --ignore-not-found']);
  expect(cluster.lock()).toBeUndefined();
  expect(calls()).toEqual([
    RECORD_READ,
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/00-baseline`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl rollout status deployment/barista-v1 -n production --timeout=600s',
    'kubectl rollout status deployment/coffee-shop-v1 -n production --timeout=600s',
    'kubectl --request-timeout=60s get gateway.networking.istio.io/production-gateway -n production -o jsonpath={.status.conditions[*].type}',
    'kubectl wait --for=condition=Reconciled gateway.networking.istio.io/production-gateway -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/barista -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/barista -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
    `kubectl --request-timeout=60s ${SSA} -f -`,
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/01-prepare`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl rollout status deployment/coffee-shop-v2 -n production --timeout=600s',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
    `kubectl --request-timeout=60s ${SSA} -f -`,
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/02-switch`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
    `kubectl --request-timeout=60s ${SSA} -f -`,
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/03-cleanup`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v1 -n production --ignore-not-found',
    'kubectl --request-timeout=60s delete poddisruptionbudget.policy/coffee-shop-v1 -n production --ignore-not-found',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
    `kubectl --request-timeout=60s ${SSA} -f -`,
  ]);
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '03-cleanup', applying: '', finished: 'true', title: 'production' }));
  expect(stdout()).toContain('propagation: istiod reports config status: waiting for the Reconciled condition (kubectl wait)');
  expect(stdout().match(/istiod reports/g)).toHaveLength(1);
  expect(stdout()).toMatch(/phase 02-switch done \(\d+\.\ds\)/);
  expect(stdout()).toContain('gate drain: 30s');
});

test('the record ConfigMap is written with the plan identity, in the environment namespace', async () => {
  await apply(production, '--to', '00-baseline');
  const writes = cluster.calls().filter((c) => c.stdin !== undefined).map((c) => JSON.parse(c.stdin!));
  expect(writes[0]).toEqual({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'phased-rollout-production', namespace: 'production', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-phased-rollout' } },
    data: { plan: readPlanDirectory(production).identity, title: 'production', completed: '', applying: '00-baseline', finished: 'false' },
  });
  expect(writes[1].data).toEqual(expect.objectContaining({ completed: '00-baseline', applying: '', finished: 'false' }));
});

test('a failing gate stops the run with exit 1, names phase and gate, and prints the command that resumes', async () => {
  useCluster({ istioStatus: true, fail: 'rollout status deployment/coffee-shop-v2' });
  const result = await apply(production, '--context', 'prod-eu');
  expect(result.code).toBe(1);
  expect(result.error).toBe([
    'production: phase 01-prepare: gate rollout Deployment/coffee-shop-v2 failed (exit 1): ' +
      'kubectl --context=prod-eu rollout status deployment/coffee-shop-v2 -n production --timeout=600s',
    '  error: timed out waiting for the condition',
    'resume with: phased-rollout apply DIST/production --from 01-prepare --context prod-eu',
  ].join('\n'));
  expect(calls().at(-1)).toBe('kubectl --context=prod-eu rollout status deployment/coffee-shop-v2 -n production --timeout=600s');
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '00-baseline', applying: '01-prepare', finished: 'false' }));
});

test('a dry run that cannot read the resume record (no cluster at hand) says how to preview anyway', async () => {
  useCluster({ istioStatus: true, fail: 'get configmap' });
  const result = await apply(production, '--dry-run');
  expect(result.code).toBe(1);
  expect(result.error).toMatch(/^cannot read the resume record \(kubectl get configmap phased-rollout-production -n production exited 1\) \(to preview without a cluster, pass --from PHASE\): error: /);
  expect((await apply(production, '--dry-run', '--from', '00-baseline')).code).toBe(0);
  expect((await apply(production)).error).not.toMatch(/to preview/);
});

test('a rerun without --from resumes after the recorded phase; a finished plan rerun changes nothing', async () => {
  process.env = cluster.env({ istioStatus: true, fail: 'rollout status deployment/coffee-shop-v2' });
  expect((await apply(production)).code).toBe(1);
  process.env = cluster.env({ istioStatus: true });
  cluster.clearCalls();
  expect(await apply(production)).toEqual({ code: 0 });
  expect(calls().slice(0, 2)).toEqual([RECORD_READ, `kubectl --request-timeout=60s ${SSA} -f DIST/production/01-prepare`]);
  expect(stdout()).toContain('the cluster record shows 00-baseline completed: resuming after it');

  cluster.clearCalls();
  stdout.reset();
  expect(await apply(production)).toEqual({ code: 0 });
  expect(calls()).toEqual([RECORD_READ]);
  expect(stdout()).toBe('production: every phase is already applied (last: 03-cleanup); nothing to do\n');
});

test('--from overrides the record, --to stops early (a later run continues from there)', async () => {
  expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '01-prepare', finished: 'false' }));
  cluster.clearCalls();
  // The stand-in cluster holds 02-switch (applied outside this record), as --from cleanup requires of it.
  cluster.seed(join(production, '02-switch'));
  expect(await apply(production, '--from', 'cleanup')).toEqual({ code: 0 });
  expect(calls()[0]).toBe(`kubectl --request-timeout=60s ${SSA} -f DIST/production/03-cleanup`);
  expect(calls().filter((c) => c.includes('-f DIST'))).toHaveLength(1);
});

test('the record of another, unfinished plan stops the run unless --from is given', async () => {
  expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
  // the same ConfigMap name only when the environments share a name: simulate with a record of another identity
  const file = join(cluster.state, 'record.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/"plan":"[^"]*"/, '"plan":"sha256-other"'));
  const result = await apply(production);
  expect(result.code).toBe(1);
  expect(result.error).toContain('the cluster record shows another plan (sha256-other) that stopped after 01-prepare');
  expect((await apply(production, '--from', '00-baseline', '--dry-run')).code).toBe(0);
});

test('--dry-run prints the commands in order and calls no mutating kubectl', async () => {
  expect(await apply(production, '--dry-run', '--from', '02-switch')).toEqual({ code: 0 });
  expect(cluster.calls()).toEqual([]);
  const lines = stdout().split('\n');
  const commands = lines.filter((l) => l.startsWith('kubectl') || l.startsWith('sleep'));
  expect(commands.map((l) => l.replace(/ <<'EOF'$/, '').split(dist).join('DIST'))).toEqual([
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/02-switch`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop -n production --timeout=120s',
    'kubectl wait --for=condition=Reconciled virtualservice.networking.istio.io/coffee-shop-gateway -n production --timeout=120s',
    'sleep 30',
    `kubectl --request-timeout=60s ${SSA} -f -`,
    `kubectl --request-timeout=60s ${SSA} -f DIST/production/03-cleanup`,
    `kubectl --request-timeout=60s ${SSA} -f -`,
    'kubectl --request-timeout=60s delete deployment.apps/coffee-shop-v1 -n production --ignore-not-found',
    'kubectl --request-timeout=60s delete poddisruptionbudget.policy/coffee-shop-v1 -n production --ignore-not-found',
    'kubectl wait --for=condition=Reconciled destinationrule.networking.istio.io/coffee-shop -n production --timeout=120s',
    `kubectl --request-timeout=60s ${SSA} -f -`,
  ]);
  expect(stdout()).toContain('# (without istiod config status: istioctl x wait --for=distribution, or sleep 5)');
});

test('without istiod status: istioctl x wait when istioctl is on PATH, else the fixed seconds (really waited by default)', async () => {
  useCluster({}, true);
  cluster.seed(join(production, '00-baseline')); // the stand-in cluster holds the phase before --from
  expect(await apply(production, '--from', '01-prepare', '--to', '01-prepare', '--context', 'c1')).toEqual({ code: 0 });
  expect(calls()).toContain('istioctl --context=c1 x wait --for=distribution destinationrule coffee-shop.production --timeout=120s');
  expect(stdout()).toContain('waiting with istioctl x wait --for=distribution');

  useCluster({});
  cluster.seed(join(production, '00-baseline'));
  const slept: number[] = [];
  const printed: string[] = [];
  const env = cluster.env();
  delete env.PHASED_ROLLOUT_TIME_SCALE;
  await applyPlan({ planDir: readPlanDirectory(production), from: '01-prepare', to: '02-switch', resumeCommand: () => '' },
    { ...processRuntime(env), sleep: (s) => { slept.push(s); return Promise.resolve(); }, print: (l) => printed.push(l) });
  expect(slept).toEqual([5, 5, 30]); // propagation of prepare, propagation and drain of switch
  expect(printed).toContain('  propagation: istiod reports no config status and istioctl is not on PATH: waiting the plan\'s fixed seconds');
  expect(calls().some((c) => c.includes('wait'))).toBe(false);
});

test('usage errors exit 2: unknown option, missing folder, unknown phase', async () => {
  expect((await apply(production, '--bogus')).code).toBe(2);
  expect((await apply()).code).toBe(2);
  expect(await apply(join(dist, 'nowhere'))).toEqual({ code: 2, error: 'DIST/nowhere: no such directory' });
  const unknown = await apply(production, '--from', 'canary-7');
  expect(unknown).toEqual({ code: 2, error: '--from canary-7: no such phase in production (phases: 00-baseline, 01-prepare, 02-switch, 03-cleanup)' });
  expect(cluster.calls()).toEqual([]);
});
