/**
 * Adopting a service that runs outside the phase model: Istio's Bookinfo reviews as bookinfo.yaml installs it
 * (reviews-v1..v3, no subsets, no VirtualService) and one unversioned Deployment `reviews` updated in place.
 * The objects that run are our own fixtures (test/bookinfo/fixtures.ts); they stand in for the cluster's live
 * state, prepended to the plan as the state before its first phase: what verify and simulate see when applying.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeObject } from '../../src/manifest';
import { MatrixError } from '../../src/matrix';
import { MatrixSpec } from '../../src/matrix/types';
import { PlanFile } from '../../src/plan/plan-file';
import { synthesizeEnvironment, synthesizeFiles } from '../../src/synth';
import { simulateRelease } from '../../src/simulate';
import { loadPhases, PhaseManifest, verifyEnvironment, verifyPhases } from '../../src/verify';
import { runningReviews, unversionedReviews } from '../bookinfo/fixtures';
import { matrixOf } from '../helpers';

const NAMESPACE = 'bookinfo';

/** reviews on Bookinfo's port, running `version` (v3's image, or v1's for the unversioned app), adopting `running` when given. */
function matrix(version: 'v1' | 'v3', running?: readonly Record<string, unknown>[]): MatrixSpec {
  return {
    environments: { prod: { namespace: NAMESPACE, replicas: 1 } },
    services: {
      reviews: {
        image: `docker.io/istio/examples-bookinfo-reviews-${version}`, versions: { [version]: '1.20.1' },
        port: 9080, readinessPath: '/health', livenessPath: '/health',
      },
    },
    releases: { prod: { reviews: running ? { version, adopt: { objects: running as never } } : { version } } },
  };
}

/** The live objects, then each synthesized phase with its plan.json gates. */
function applied(spec: MatrixSpec, live: readonly Record<string, unknown>[]): PhaseManifest[] {
  const output = synthesizeEnvironment(matrixOf(spec).environments[0]);
  const phases = output.phases.map((p, i) => ({ name: p.phase.name, path: p.path, objects: p.objects, gates: output.plan.phases[i].gates }));
  // The Namespace exists before the first phase: the live state holds it, as the cluster does.
  const namespace = phases[0].objects.filter((o) => o.kind === 'Namespace');
  return [{ name: 'live', path: 'live', objects: [...namespace, ...(live as KubeObject[])], gates: { drain: { seconds: 30 } } }, ...phases];
}

const rulesOf = (phases: readonly PhaseManifest[]) => [...new Set(verifyPhases(phases).map((f) => f.rule))].sort();

describe.each([
  ['Bookinfo reviews-v1..v3 (no subsets, no VirtualService)', 'v3' as const, runningReviews(NAMESPACE)],
  ['one unversioned Deployment reviews with its Service', 'v1' as const, unversionedReviews(NAMESPACE, false)],
  ['one unversioned Deployment reviews with its Service and a VirtualService', 'v1' as const, unversionedReviews(NAMESPACE, true)],
])('adopting %s', (_title, version, live) => {
  test('without adoption, the first phase collides with what runs', () => {
    const rules = rulesOf(applied(matrix(version), live));
    expect(rules).toEqual(expect.arrayContaining(['transition/removed-while-routed']));
    expect(rules.some((r) => r === 'transition/in-place-update' || r === 'transition/new-deployment-routed')).toBe(true);
  });

  test('with adoption, every transition from what runs is safe and the running Deployments are removed after a drain', () => {
    const phases = applied(matrix(version, live), live);
    expect(phases.map((p) => p.path)).toEqual(['live', '00-adopt-subsets', '01-adopt-routes', '02-adopt-prepare', '03-adopt-switch', '04-baseline']);
    // What runs as shipped has no readiness probe: a finding of the live state itself, which the plan does not make and
    // which the executors' live check (transition findings) does not stop on; every phase of the plan and every transition is clean.
    const findings = verifyPhases(phases);
    expect(findings.filter((f) => f.phase !== 'live')).toEqual([]);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(findings.length > 0 ? ['state/routed-without-readiness'] : []));
    const last = phases[phases.length - 1];
    const runningDeployments = live.filter((o) => o.kind === 'Deployment').map((o) => (o.metadata as { name: string }).name);
    const ours = `reviews-${version}`;
    expect(last.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual([ours]);
    const output = synthesizeEnvironment(matrixOf(matrix(version, live)).environments[0]);
    const baseline = output.plan.phases[4];
    expect(baseline.removes.filter((r) => r.kind === 'Deployment').map((r) => r.name)).toEqual(runningDeployments.filter((n) => n !== ours));
    expect(output.plan.phases[3].gates.drain).toBeDefined();
  });

  test('synthesis verifies the plan and its rollbacks, which go back through the adoption phases to what ran', () => {
    const files = synthesizeFiles(matrixOf(matrix(version, live)));
    const plan = JSON.parse(files.get('prod/plan.json')!) as PlanFile;
    const dir = mkdtempSync(join(tmpdir(), 'adopt-'));
    try {
      for (const [path, text] of files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      const loaded = loadPhases(join(dir, 'prod'));
      expect(verifyEnvironment(loaded.phases, loaded.rollbacks)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Where the running Deployment's subset selects our pods too (app: reviews only), removing ours would take
    // routed endpoints away: the rollback ends with traffic on the running pods, ours beside them.
    const back = version === 'v3' ? ['restore-adopt-routes 01-adopt-routes', 'restore-adopt-subsets 00-adopt-subsets'] : [];
    expect(plan.rollbacks!['04-baseline'].map((s) => `${s.name} ${s.path}`))
      .toEqual(['reapply 04-baseline', 'restore-adopt-switch 03-adopt-switch', 'restore-adopt-prepare 02-adopt-prepare', ...back]);
  });

  test('simulate of the whole plan, adoption phases included, loses no request', () => {
    const phases = applied(matrix(version, live), live);
    for (const schedule of ['random', 'adversarial'] as const) {
      const result = simulateRelease(phases, { schedule, qps: 100 });
      expect({ schedule, codes: result.total.codes, stopped: result.stopped }).toEqual({ schedule, codes: { 200: expect.any(Number) }, stopped: undefined });
    }
  });
});

describe('what a new Deployment may do beside one that keeps running (transition/new-deployment-routed)', () => {
  const running = unversionedReviews(NAMESPACE, false) as unknown as KubeObject[];
  const withProbe = (probe: boolean): KubeObject => {
    const [, deployment] = running;
    const spec = deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
    const container = { ...spec.template.spec.containers[0], ...(probe ? { readinessProbe: { httpGet: { path: '/health', port: 9080 } } } : {}) };
    return { ...deployment, metadata: { ...deployment.metadata, name: 'reviews-next' },
      spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers: [container] } } } };
  };
  const phases = (added: KubeObject): PhaseManifest[] => [
    { name: 'before', path: '00-before', objects: running },
    { name: 'after', path: '01-after', objects: [...running, added] },
  ];
  const routed = (added: KubeObject) => verifyPhases(phases(added)).filter((f) => f.rule === 'transition/new-deployment-routed').map((f) => f.object);

  test('one with a readiness probe joins the ready endpoints of the Service as they become ready', () => {
    // The Service selects app: reviews, no VirtualService: the running pods carry the traffic until the new ones are ready.
    expect(routed(withProbe(true))).toEqual([]);
  });

  test('one without a readiness probe is an endpoint before its app listens', () => {
    expect(routed(withProbe(false))).toEqual([`Deployment ${NAMESPACE}/reviews-next`]);
  });
});

describe('a wrong adopt entry is refused, naming the field', () => {
  const problems = (entry: Record<string, unknown>): string[] => {
    const spec = matrix('v3', runningReviews(NAMESPACE));
    try {
      matrixOf({ ...spec, releases: { prod: { reviews: { version: 'v3', ...entry } } } });
    } catch (error) {
      return (error as MatrixError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    return [];
  };
  const objects = runningReviews(NAMESPACE);
  const at = 'releases.prod.reviews.adopt.objects';

  test('with retire', () => {
    expect(problems({ adopt: { objects }, retire: true }))
      .toEqual(['releases.prod.reviews.retire: a service cannot be adopted and retired by the same plan (adopt it first, retire it in a later plan)']);
  });

  test('an object of another kind, or of another namespace', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'reviews' }, spec: {} };
    expect(problems({ adopt: { objects: [configMap] } })).toEqual([`${at}[0].kind: "ConfigMap" is not a kind that can be adopted (Deployment, Service, VirtualService)`]);
    const elsewhere = { ...objects[1], metadata: { ...(objects[1].metadata as object), namespace: 'default' } };
    expect(problems({ adopt: { objects: [elsewhere] } }))
      .toEqual([`${at}[0]: metadata.namespace: "default" is not the environment's namespace "bookinfo" (adopt objects of this namespace only)`]);
  });

  test('a Service of another name, no Deployment, or only the Deployment with our name', () => {
    const other = { ...objects[0], metadata: { ...(objects[0].metadata as object), name: 'reviews-old' } };
    expect(problems({ adopt: { objects: [other, objects[1]] } })).toEqual([
      `${at}[0]: Service bookinfo/reviews-old: a running Service is adopted only under the service's name "reviews" `
      + '(the phases replace it with theirs; remove one of another name yourself once nothing routes through it)',
    ]);
    expect(problems({ adopt: { objects: [objects[0]] } })).toEqual([`${at}: lists no Deployment (adopting a service moves the pods of its running Deployments)`]);
    expect(problems({ adopt: { objects: [objects[0], objects[3]] } })).toEqual([
      `${at}[1]: Deployment bookinfo/reviews-v3 is the only running Deployment and has the name of version v3's Deployment: `
      + 'nothing could carry the traffic while it is replaced (declare the version under another name)',
    ]);
  });
});
