/**
 * Retiring a service: the plan stops routing to it, drains, then deletes every object it had, in that
 * order, and refuses to delete a service that another service of the environment still routes to.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeObject } from '../../src/manifest';
import { MatrixSpec } from '../../src/matrix/types';
import { PlanFile } from '../../src/plan/plan-file';
import { synthesizeFiles, synthesizeEnvironment, UnsafePlanError } from '../../src/synth';
import { simulateRelease } from '../../src/simulate';
import { loadPhases, PhaseManifest, verifyEnvironment, verifyPhases } from '../../src/verify';
import { executorCommands, StandInCluster } from '../apply/stand-in';
import { matrixOf } from '../helpers';
import { writeTreeAtomically } from '../../src/synth/output';

const service = (image: string) => ({ image, versions: { v1: '1.0.0', v2: '2.0.0' }, port: 8080, readinessPath: '/ready', livenessPath: '/live' });

/** shop (released v1 -> v2 when `release`), and ratings retired; ratings is exposed at /ratings. */
function matrix(release: boolean): MatrixSpec {
  return {
    environments: { prod: { namespace: 'shop', ingressHosts: ['shop.example.com'] } },
    services: { shop: service('example/shop'), ratings: { ...service('example/ratings'), ingressPath: '/ratings' } },
    releases: { prod: { shop: release ? { from: 'v1', to: 'v2' } : { version: 'v1' }, ratings: { version: 'v1', retire: true } } },
  };
}

function phasesOf(spec: MatrixSpec): PhaseManifest[] {
  const output = synthesizeEnvironment(matrixOf(spec).environments[0]);
  return output.phases.map((p, i) => ({ name: p.phase.name, path: p.path, objects: p.objects, gates: output.plan.phases[i].gates }));
}

const ofRatings = (objects: readonly KubeObject[]) => objects
  .filter((o) => o.metadata.name === 'ratings' || o.metadata.name.startsWith('ratings-'))
  .map((o) => `${o.kind} ${o.metadata.name}`).sort();

describe.each([['alone', false], ['beside a release', true]])('retiring a service %s', (_title, release) => {
  test('it stops routing to it, drains, then deletes all its objects', () => {
    const phases = phasesOf(matrix(release));
    const [baseline] = phases;
    const cleanup = phases[phases.length - 1];
    const beforeCleanup = phases[phases.length - 2];
    expect(ofRatings(baseline.objects)).toEqual([
      'Deployment ratings-v1', 'DestinationRule ratings', 'PodDisruptionBudget ratings-v1', 'Service ratings', 'VirtualService ratings', 'VirtualService ratings-gateway',
    ]);
    // From the phase after the baseline on, nothing routes to it; it runs until the cleanup.
    for (const phase of phases.slice(1, -1)) {
      expect(ofRatings(phase.objects)).toEqual(['Deployment ratings-v1', 'DestinationRule ratings', 'PodDisruptionBudget ratings-v1', 'Service ratings']);
    }
    expect(ofRatings(cleanup.objects)).toEqual([]);
    expect(beforeCleanup.gates?.drain).toBeDefined();
    expect(phases[1].gates?.propagation).toBeDefined();
    expect(verifyPhases(phases)).toEqual([]);
    const output = synthesizeEnvironment(matrixOf(matrix(release)).environments[0]);
    expect(output.plan.phases[phases.length - 1].removes.map((r) => `${r.kind} ${r.name}`).filter((r) => r.includes('ratings')).sort())
      .toEqual(['Deployment ratings-v1', 'DestinationRule ratings', 'PodDisruptionBudget ratings-v1', 'Service ratings']);
  });

  test('synthesis verifies it with its rollbacks, and simulate loses no request', () => {
    const files = synthesizeFiles(matrixOf(matrix(release)));
    const plan = JSON.parse(files.get('prod/plan.json')!) as PlanFile;
    const last = plan.phases[plan.phases.length - 1].path;
    expect(plan.rollbacks![last].map((s) => s.name)).toEqual(release
      ? ['reapply', 'restore-old', 'revert-traffic', 'remove-new'] : ['reapply', 'restore-old', 'remove-new']);
    const planMd = files.get('prod/PLAN.md')!;
    expect(planMd).toContain('routes are removed: the service leaves the environment (retired)');
    expect(planMd).toContain('a retired service is deleted: nothing routed to it in the previous phase');
    expect(planMd.indexOf('- VirtualService ratings-gateway')).toBeLessThan(planMd.indexOf('- Deployment ratings-v1'));
    for (const schedule of ['random', 'adversarial'] as const) {
      const result = simulateRelease(phasesOf(matrix(release)), { schedule, qps: 100 });
      expect({ schedule, codes: result.total.codes }).toEqual({ schedule, codes: { 200: expect.any(Number) } });
    }
  });
});

describe('a service that another service of the environment routes to', () => {
  /** A VirtualService of shop's, written by the app, that sends /ratings requests to the ratings Service. */
  const caller = (scope: Construct) => new ApiObject(scope, 'shop-calls-ratings', {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop-calls-ratings', namespace: 'shop' },
    spec: { hosts: ['shop-api'], http: [{ route: [{ destination: { host: 'ratings' } }] }] },
  });

  test('is not retired: synthesis refuses, naming the caller', () => {
    let error: unknown;
    try {
      synthesizeFiles(matrixOf(matrix(false)), { environmentObjects: caller });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnsafePlanError);
    const findings = (error as UnsafePlanError).findings.filter((f) => f.rule === 'transition/deleted-while-called');
    expect(findings.map((f) => [f.transition, f.object, f.message])).toEqual([[
      '01-switch -> 02-cleanup', 'Service shop/ratings',
      'is deleted while VirtualService shop/shop-calls-ratings still routes to its host ratings.shop.svc.cluster.local: its requests fail with 503 once it is gone',
    ]]);
  });
});

test('the written environment folder reads back and verifies (plan.json with a propagation gate that only waits)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retire-'));
  try {
    for (const [path, text] of synthesizeFiles(matrixOf(matrix(false)))) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const loaded = loadPhases(join(dir, 'prod'));
    expect(loaded.plan!.phases[1].gates.propagation).toEqual({ objects: [], seconds: 5 });
    expect(verifyEnvironment(loaded.phases, loaded.rollbacks)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('applying a retirement', () => {
  // The cluster is the stand-in of test/apply/stand-in.ts: it records the calls the executors make.
  test.each(['apply.sh', 'phased-rollout apply'])('%s deletes the routes, waits, then deletes the rest', (executor) => {
    const dist = join(mkdtempSync(join(tmpdir(), 'retire-dist-')), 'dist');
    writeTreeAtomically(dist, synthesizeFiles(matrixOf(matrix(false))));
    const cluster = new StandInCluster();
    const [program, ...args] = executorCommands(join(dist, 'prod'))[executor];
    const result = spawnSync(program, args, { env: cluster.env({}), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('gate propagation: 5s, deletions only');
    const deletions = cluster.calls().map((c) => c.line).filter((l) => / delete /.test(l) && l.includes('ratings'));
    const position = (what: string) => deletions.findIndex((l) => l.includes(what));
    expect(position('virtualservice.networking.istio.io/ratings-gateway')).toBeGreaterThanOrEqual(0);
    expect(position('virtualservice.networking.istio.io/ratings-gateway')).toBeLessThan(position('deployment.apps/ratings-v1'));
    expect(position('service/ratings')).toBeGreaterThan(position('virtualservice.networking.istio.io/ratings '));
  });
});
