/**
 * The live state is a phase: before each phase, `phased-rollout apply` and `rollback` (and apply.sh) read
 * what the cluster holds of the objects that phase and the one before manage, and stop before applying
 * when live -> phase is unsafe or the cluster drifted. The cluster is the stand-in of test/apply/stand-in.ts,
 * which stores the objects it is given (with a server's defaults and fields): it stands in for the cluster.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as applyCommand } from '../../src/cli/commands/apply';
import { run as rollbackCommand } from '../../src/cli/commands/rollback';
import { appliedFields, judgeLive, liveReadArgs, liveState, parseLiveObjects } from '../../src/apply/live';
import { startApiStandIn } from '../kubectl-api-stand-in';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { writeTreeAtomically } from '../../src/synth/output';
import { synthesizeFiles } from '../../src/synth';
import { loadPhases } from '../../src/verify';
import { hideDist, StandInCluster, synthesizedExample } from './stand-in';
import { captureStdout, CommandOutcome, runLikeMain } from '../command';

const dist = synthesizedExample();
const production = join(dist, 'production');
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

/** The example matrix with production's release or coffee-shop's versions changed, synthesized into a temp folder. */
function synthesizedVariant(change: (matrix: any) => void): string {
  const matrix = JSON.parse(JSON.stringify(exampleMatrix));
  change(matrix);
  const out = join(mkdtempSync(join(tmpdir(), 'live-dist-')), 'dist');
  writeTreeAtomically(out, synthesizeFiles(validateMatrix(matrix)));
  return out;
}

const apply = async (...argv: string[]): Promise<CommandOutcome> => hideDist(await runLikeMain(applyCommand, argv), dist);
const script = (...args: string[]) => {
  const result = spawnSync('sh', [join(production, 'apply.sh'), ...args], { env: cluster.env({ istioStatus: true }), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.split(dist).join('DIST') };
};
/** The folder applies so far (no live check may let one through after a stop). */
const folderApplies = () => cluster.allCalls().filter((c) => / apply .* -f \/.*\/production\/\d/.test(c.line)).map((c) => c.line.replace(/.*\//, ''));

describe('the state the verifier reads of a live object', () => {
  const baseline = loadPhases(production).phases[0];
  const deployment = baseline.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'coffee-shop-v1')!;
  const served = (object: any) => ({
    ...JSON.parse(JSON.stringify(object)),
    status: { replicas: 3, readyReplicas: 3 },
  });

  test('server defaults and server-set fields are not kept: the live object equals its file', () => {
    const live = served(deployment);
    live.metadata.uid = 'u1';
    live.metadata.managedFields = [{ manager: 'phased-rollout' }];
    live.spec.revisionHistoryLimit = 10;
    live.spec.template.spec.dnsPolicy = 'ClusterFirst';
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    expect(appliedFields(live, [deployment])).toEqual(deployment);
    expect(liveState([live], [baseline.objects])[0]).toBe(deployment);
    expect(judgeLive(liveState([live], [baseline.objects]), { next: { ...baseline, objects: [deployment] } })).toEqual({ kind: 'at-next' });
  });

  test('a field the file sets, changed in the cluster, is kept with its live value', () => {
    const live = served(deployment);
    live.spec.replicas = 5;
    expect((liveState([live], [baseline.objects])[0] as any).spec.replicas).toBe(5);
  });
});

describe('before the first phase', () => {
  test('a first install (none of its objects in the cluster) and the previous release\'s end (equal to it) are applied', async () => {
    expect(await apply(production, '--to', '00-baseline')).toEqual({ code: 0 });
    expect(stdout()).toContain('  live: none of its objects in the cluster (a first install)');
    // The previous release ended where this plan starts: a new run from its first phase goes on.
    expect(await apply(production, '--from', '00-baseline', '--to', '00-baseline')).toEqual({ code: 0 });
    expect(stdout()).toContain('  live: the cluster already holds 00-baseline');
  });

  test('a wrong from (the cluster runs coffee-shop v2, the matrix says from v1) stops phased-rollout apply and apply.sh before anything is applied', async () => {
    cluster.seed(join(synthesizedVariant((m) => { m.releases.production['coffee-shop'] = { version: 'v2' }; }), 'production/00-baseline'));
    const result = await apply(production);
    expect(result.code).toBe(1);
    const lines = result.error!.split('\n');
    expect(lines[0]).toBe('production: phase 00-baseline: live -> 00-baseline is unsafe: stopped before applying 00-baseline');
    expect(result.error).toMatch(/^ {2}transition\/\S+: \S+ production\/coffee-shop/m);
    expect(result.error).toContain('  VirtualService production/coffee-shop: spec.http[0].route[0].destination.subset: live "v2", 00-baseline "v1"');
    expect(lines.at(-1)).toBe('the plan must start from what the cluster runs: correct the matrix (the release\'s from or version, the version\'s image) ' +
      'and synthesize again; then: phased-rollout apply DIST/production --from 00-baseline');
    expect(folderApplies()).toEqual([]);
    expect(cluster.record()).toBeUndefined();

    const sh = script();
    expect(sh.status).toBe(1);
    expect(sh.stderr.split('\n')[0]).toBe('production: phase 00-baseline: the live objects are neither absent (a first install) nor equal to 00-baseline: stopped before applying 00-baseline');
    expect(sh.stderr).toMatch(/^ {2}-\s+"subset": "v2"/m);
    expect(sh.stderr.trim().split('\n').at(-1)).toBe('the plan must start from what the cluster runs: correct the matrix (the release\'s from or version, the version\'s image) ' +
      'and synthesize again; then: sh DIST/production/apply.sh --from 00-baseline');
    expect(folderApplies()).toEqual([]);
  });

  test('objects that differ but are safely reachable: phased-rollout apply goes on (it ran the verifier), apply.sh stops (it cannot)', async () => {
    cluster.seed(join(production, '00-baseline'));
    cluster.edit('Deployment', 'production', 'barista-v1', (d) => { d.spec.replicas = 2; });
    const sh = script('--to', '00-baseline');
    expect(sh.status).toBe(1);
    expect(sh.stderr.split('\n')[0]).toBe('production: phase 00-baseline: the live objects are neither absent (a first install) nor equal to 00-baseline: stopped before applying 00-baseline');
    expect(sh.stderr).toMatch(/^ {2}-\s+"replicas": 2,$/m);
    expect(folderApplies()).toEqual([]);
    expect(await apply(production, '--to', '00-baseline')).toEqual({ code: 0 });
    expect(stdout()).toContain('  live: the cluster differs from 00-baseline in 1 object, and live -> 00-baseline is safe');
    expect(folderApplies()).toEqual(['00-baseline']);
  });

  test('re-tagging the live version (a new image under the same version name) is stopped as an in-place update', async () => {
    cluster.seed(join(synthesizedVariant((m) => { m.services['coffee-shop'].versions.v1 = 'zero-downtime-0'; }), 'production/00-baseline'));
    const result = await apply(production);
    expect(result.code).toBe(1);
    expect(result.error).toContain('  transition/in-place-update: Deployment production/coffee-shop-v1: ');
    expect(result.error).toContain('  Deployment production/coffee-shop-v1: spec.template.spec.containers[0].image: live "sdaschner/coffee-shop:zero-downtime-0", 00-baseline "sdaschner/coffee-shop:zero-downtime-1"');
    expect(folderApplies()).toEqual([]);
    expect(script().status).toBe(1);
    expect(folderApplies()).toEqual([]);
  });
});

describe('between two phases', () => {
  test.each([
    ['phased-rollout apply', () => apply(production), 'phased-rollout apply DIST/production --from 02-switch'],
    ['apply.sh', () => { const r = script(); return Promise.resolve({ code: r.status!, error: r.stderr.trim() }); }, 'sh DIST/production/apply.sh --from 02-switch'],
  ])('a release whose live state drifted (someone scaled a Deployment) is stopped before the next phase (%s)', async (_name, run, resume) => {
    expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
    cluster.edit('Deployment', 'production', 'barista-v1', (d) => { d.spec.replicas = 5; });
    const before = folderApplies();
    const result = await run();
    expect(result.code).toBe(1);
    const lines = result.error!.split('\n');
    expect(lines[0]).toBe('production: phase 02-switch: the live objects match neither 01-prepare (applied before) nor 02-switch: stopped before applying 02-switch');
    expect(lines.at(-1)).toBe('restore the objects of 01-prepare (kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/01-prepare) ' +
      `or find out who changed them, then continue with: ${resume}`);
    expect(result.error).toMatch(_name === 'apply.sh' ? /^ {2}-\s+"replicas": 5,$/m : /^ {2}Deployment production\/barista-v1: spec\.replicas: live 5, 01-prepare 3$/m);
    expect(folderApplies()).toEqual(before);
    expect(cluster.record()).toEqual(expect.objectContaining({ completed: '01-prepare', applying: '' }));
  });

  test('an edited Deployment (a new image) that the next phase routes to is stopped as unsafe, naming the field', async () => {
    expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
    cluster.edit('Deployment', 'production', 'coffee-shop-v2', (d) => { d.spec.template.spec.containers[0].image = 'sdaschner/coffee-shop:hotfix'; });
    const result = await apply(production);
    expect(result.code).toBe(1);
    expect(result.error!.split('\n')[0]).toBe('production: phase 02-switch: live -> 02-switch is unsafe: stopped before applying 02-switch');
    // Applying 02-switch would roll coffee-shop-v2 back to its image while routing traffic to it.
    expect(result.error).toContain('  transition/in-place-update: Deployment production/coffee-shop-v2: changes its pod template while it receives traffic');
    expect(result.error).toContain('  Deployment production/coffee-shop-v2: spec.template.spec.containers[0].image: live "sdaschner/coffee-shop:hotfix", 02-switch "sdaschner/coffee-shop:zero-downtime-2"');
    expect(folderApplies()).toEqual(['00-baseline', '01-prepare']);
  });

  test('each phase is checked before its folder is applied, in one read of the two folders', async () => {
    expect(await apply(production)).toEqual({ code: 0 });
    const lines = cluster.allCalls().map((c) => c.line.split(dist).join('DIST')).filter((l) => / get -f | apply .* -f DIST/.test(l));
    expect(lines).toEqual([
      'kubectl --request-timeout=60s get -f DIST/production/00-baseline -o json --ignore-not-found',
      'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/00-baseline',
      'kubectl --request-timeout=60s get -f DIST/production/00-baseline -f DIST/production/01-prepare -o json --ignore-not-found',
      'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/01-prepare',
      'kubectl --request-timeout=60s get -f DIST/production/01-prepare -f DIST/production/02-switch -o json --ignore-not-found',
      'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/02-switch',
      'kubectl --request-timeout=60s get -f DIST/production/02-switch -f DIST/production/03-cleanup -o json --ignore-not-found',
      'kubectl --request-timeout=60s apply --server-side --field-manager=phased-rollout -f DIST/production/03-cleanup',
    ]);
    expect(stdout()).toContain('  live: the cluster holds 02-switch');
  });

  test('--from that skips a phase is stopped: live -> the phase is unsafe (phased-rollout apply) or not the phase before (apply.sh)', async () => {
    expect(await apply(production, '--to', '01-prepare')).toEqual({ code: 0 });
    const skipped = await apply(production, '--from', 'cleanup');
    expect(skipped.code).toBe(1);
    expect(skipped.error!.split('\n')[0]).toBe('production: phase 03-cleanup: live -> 03-cleanup is unsafe: stopped before applying 03-cleanup');
    expect(skipped.error).toContain('  transition/removed-while-routed: Deployment production/coffee-shop-v1: is removed while subset v1');
    const sh = script('--from', 'cleanup');
    expect(sh.status).toBe(1);
    expect(sh.stderr.split('\n')[0]).toBe('production: phase 03-cleanup: the live objects match neither 02-switch (applied before) nor 03-cleanup: stopped before applying 03-cleanup');
    expect(folderApplies()).toEqual(['00-baseline', '01-prepare']);
  });

  test('apply.sh and phased-rollout apply resume each other with the live checks on', async () => {
    expect(script('--to', '01-prepare').status).toBe(0);
    expect(await apply(production, '--to', '02-switch')).toEqual({ code: 0 });
    const sh = script();
    expect(sh.stderr).toBe('');
    expect(sh.status).toBe(0);
    expect(cluster.record()).toEqual(expect.objectContaining({ completed: '03-cleanup', finished: 'true' }));
  });

  test('a rollback checks the phase it starts from, and stops when the cluster drifted from it', async () => {
    expect(await apply(production, '--to', '02-switch')).toEqual({ code: 0 });
    cluster.edit('Deployment', 'production', 'coffee-shop-v1', (d) => { d.spec.replicas = 1; });
    const result = hideDist(await runLikeMain(rollbackCommand, [production]), dist);
    expect(result.code).toBe(1);
    expect(result.error!.split('\n')[0]).toMatch(/^production rollback from 02-switch: step \S+: the live objects match neither 02-switch \(applied before\) nor \S+: stopped before applying \S+$/);
    const sh = script('--rollback');
    expect(sh.status).toBe(1);
    expect(sh.stderr.split('\n')[0]).toBe(result.error!.split('\n')[0]); // apply.sh --rollback: the same message
    cluster.edit('Deployment', 'production', 'coffee-shop-v1', (d) => { d.spec.replicas = 3; });
    expect(await runLikeMain(rollbackCommand, [production])).toEqual({ code: 0 });
  });
});

describe('the live read as the real kubectl makes it', () => {
  // A stand-in for the API server (test/kubectl-api-stand-in.ts) that holds no object: every one is absent.
  test('absent objects: kubectl get -f ... -o json --ignore-not-found prints what parseLiveObjects reads as none', async () => {
    const api = await startApiStandIn();
    try {
      const folder = join(production, '00-baseline');
      const result = await api.kubectl(...liveReadArgs([folder, join(production, '01-prepare')]));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(parseLiveObjects(result.stdout)).toEqual([]);
      // One GET per object named, in the order of the files: no list of the whole namespace.
      expect(api.requests.filter((r) => r.startsWith('GET /apis/apps/v1/namespaces/production/deployments/'))).toEqual(expect.arrayContaining([
        'GET /apis/apps/v1/namespaces/production/deployments/coffee-shop-v1',
      ]));
    } finally {
      await api.close();
    }
  });
});
