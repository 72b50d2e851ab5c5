/**
 * A release of an autoscaled service: the HorizontalPodAutoscaler next to its Deployment, replicas left to it,
 * capacity raised before traffic moves and waited for, and the verifier rules that catch each missing piece.
 */
import { KubeObject } from '../../src/manifest';
import { gateActions } from '../../src/apply/steps';
import { reviewPhases } from '../../src/plan/review';
import { synthesizeEnvironment } from '../../src/synth';
import { simulateRelease } from '../../src/simulate';
import { verifyEnvironment, verifyPhases, PhaseManifest } from '../../src/verify';
import { ObjectData } from '../helpers';
import { autoscaledEnvironment, autoscaledMatrix, verifierInput } from './fixtures';

const output = synthesizeEnvironment(autoscaledEnvironment());
const phaseNames = output.phases.map((p) => p.path);
const objectsOf = (path: string) => output.phases.find((p) => p.path === path)!.objects as ObjectData[];
const named = (objects: readonly ObjectData[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const minReplicas = (path: string, name: string) => named(objectsOf(path), 'HorizontalPodAutoscaler', name)?.spec.minReplicas;

describe('rendering', () => {
  test('the phases of the release', () => {
    expect(phaseNames).toEqual(['00-baseline', '01-prepare', '02-canary-20', '03-switch', '04-cleanup']);
  });

  test('each version Deployment has an autoscaling/v2 HPA of the same name, right after it in its service\'s file', () => {
    const file = output.phases[1].files.find((f) => f.name === 'shop.k8s.yaml')!;
    expect(file.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/shop', 'DestinationRule/shop', 'VirtualService/shop',
      'Deployment/shop-v1', 'PodDisruptionBudget/shop-v1', 'HorizontalPodAutoscaler/shop-v1',
      'Deployment/shop-v2', 'PodDisruptionBudget/shop-v2', 'HorizontalPodAutoscaler/shop-v2',
    ]);
    const hpa = named(file.objects, 'HorizontalPodAutoscaler', 'shop-v2')!;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toEqual({ name: 'shop-v2', namespace: 'shop', labels: { app: 'shop', version: 'v2', 'app.kubernetes.io/managed-by': 'cdk8s-phased-rollout' } });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-v2' },
      minReplicas: 6, maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
    });
  });

  test('an autoscaled Deployment does not set replicas; one with fixed replicas does', () => {
    for (const { objects } of output.phases) {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment') as ObjectData[]) {
        if (deployment.metadata.name.startsWith('shop-')) expect(deployment.spec).not.toHaveProperty('replicas');
        else expect(deployment.spec.replicas).toBe(3);
      }
    }
  });

  test('the HPA appears and disappears with its Deployment', () => {
    for (const { objects } of output.phases) {
      const names = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.name.startsWith('shop-')).map((o) => o.metadata.name);
      expect(names('HorizontalPodAutoscaler')).toEqual(names('Deployment'));
    }
    expect(output.plan.phases[4].removes).toContainEqual({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'shop-v1' });
  });

  test('minReplicas is maxReplicas for both versions while they run side by side, minReplicas otherwise', () => {
    expect(phaseNames.map((path) => [minReplicas(path, 'shop-v1'), minReplicas(path, 'shop-v2')])).toEqual([
      [2, undefined], [6, 6], [6, 6], [6, 6], [undefined, 2],
    ]);
  });

  test('the PodDisruptionBudget allows one pod down whatever the replica count (a drain of a node with the only pod is not blocked)', () => {
    for (const path of phaseNames) {
      for (const pdb of objectsOf(path).filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name.startsWith('shop-'))) {
        expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'shop', version: pdb.metadata.labels!.version } } });
      }
    }
  });
});

describe('capacity before traffic moves', () => {
  const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name });

  test('the phase that raises minReplicas waits for the pods, after the rollout and before propagation', () => {
    const prepare = output.plan.phases[1].gates;
    expect(prepare.capacity).toEqual({ deployments: [{ deployment: ref('shop-v1'), replicas: 6 }, { deployment: ref('shop-v2'), replicas: 6 }], timeoutSeconds: 600 });
    expect(gateActions(prepare).map((g) => (g.kind === 'pause' ? g.gate : g.kind))).toEqual(['rollout', 'rollout', 'capacity', 'capacity', 'propagation']);
    // Only a pinned count (min = max) is waited for: an HPA between its bounds may run more pods than minReplicas,
    // and kubectl waits for an exact count. Nothing after prepare raises; cleanup lowers.
    expect(output.plan.phases.map((p) => p.gates.capacity?.deployments.map((d) => `${d.deployment.name}=${d.replicas}`))).toEqual([
      undefined, ['shop-v1=6', 'shop-v2=6'], undefined, undefined, undefined,
    ]);
  });

  test('every phase that moves traffic of the autoscaled service onto a version follows a capacity gate for it', () => {
    const weightOf = (i: number, version: string) => output.phases[i].phase.services[0].routes.find((r) => r.version === version)?.weight ?? 0;
    for (let i = 1; i < output.phases.length; i++) {
      for (const version of ['v1', 'v2']) {
        if (weightOf(i, version) <= weightOf(i - 1, version)) continue;
        const waited = output.plan.phases.slice(0, i).some((p) => p.gates.capacity?.deployments.some((d) => d.deployment.name === `shop-${version}` && d.replicas === 6));
        expect({ phase: output.phases[i].path, version, waited }).toEqual({ phase: output.phases[i].path, version, waited: true });
      }
    }
  });

  test('a rollback waits for the capacity of the version it keeps (not for the new one, which may never be ready)', () => {
    expect(output.plan.rollbacks!['02-canary-20'][0].gates.capacity).toEqual({ deployments: [{ deployment: ref('shop-v1'), replicas: 6 }], timeoutSeconds: 600 });
    expect(output.plan.rollbacks!['04-cleanup'].map((s) => [s.name, s.gates.capacity?.deployments.map((d) => `${d.deployment.name}=${d.replicas}`)])).toEqual([
      ['reapply', undefined], ['restore-old', ['shop-v1=6', 'shop-v2=6']], ['revert-traffic', undefined], ['remove-new', undefined],
    ]);
  });

  test('the plan verifies clean, forward and every rollback', () => {
    const { phases, rollbacks } = verifierInput(output);
    expect(verifyEnvironment(phases, rollbacks)).toEqual([]);
  });

  test('the simulator raises the pods at the HPA\'s sync and passes the capacity gate before traffic moves, without a failed request', () => {
    const { phases } = verifierInput(output);
    const result = simulateRelease(phases, { seed: 1 });
    expect(result.failed).toBe(0);
    expect(result.stopped).toBeUndefined();
    const prepare = result.phases[1];
    expect(prepare.endSeconds - prepare.startSeconds).toBeGreaterThanOrEqual(15); // Kubernetes' HPA sync period
    // Without the HPA raising the pods, the capacity gate times out: it waits for them, it does not just pass.
    const stuck = phases.map((p) => ({ ...p, objects: p.objects.filter((o) => o.kind !== 'HorizontalPodAutoscaler' || p.path !== '01-prepare') }));
    expect(simulateRelease(stuck, { seed: 1 }).stopped).toMatch(/^01-prepare: capacity \(6 available\) of Deployment shop\/shop-v1 did not complete within 600 s$/);
  });
});

describe('the verifier rules fail without the fix', () => {
  const { phases, rollbacks } = verifierInput(output);
  const rulesOf = (findings: { rule: string; object: string; transition?: string; rollback?: string }[]) =>
    findings.map((f) => `${f.rule} ${f.object}${f.transition ? ` ${f.transition}` : ''}${f.rollback ? ` (rollback from ${f.rollback})` : ''}`);
  const mapObjects = (list: readonly PhaseManifest[], change: (o: ObjectData) => KubeObject) =>
    list.map((phase) => ({ ...phase, objects: phase.objects.map((o) => change(o as ObjectData)) }));
  /** The HPAs as they would be without the raise: minReplicas 2 in every phase. */
  const unraised = (o: ObjectData): KubeObject => (o.kind === 'HorizontalPodAutoscaler' ? { ...o, spec: { ...o.spec, minReplicas: 2 } } : o);

  test('transition/routed-below-capacity: traffic moving onto a version its HPA kept below the other\'s maxReplicas', () => {
    const forward = mapObjects(phases, unraised).map((p) => ({ ...p, gates: undefined }));
    expect(rulesOf(verifyPhases(forward))).toEqual([
      'transition/routed-below-capacity Deployment shop/shop-v2 01-prepare -> 02-canary-20',
      'transition/routed-below-capacity Deployment shop/shop-v2 02-canary-20 -> 03-switch',
    ]);
    const message = verifyPhases(forward)[0];
    expect(message.message).toBe('receives traffic of shop.shop.svc.cluster.local that Deployment shop/shop-v1 carried in 01-prepare, where its autoscaler ' +
      'could run 6 pods, but its own autoscaler kept only 2 there: requests queue or fail until it scales up');
    // The rollback from the switch moves all traffic back onto the old version.
    const back = rollbacks.map((r) => ({ ...r, phases: mapObjects(r.phases, unraised) }));
    expect(rulesOf(verifyEnvironment(phases, back))).toContain('transition/routed-below-capacity Deployment shop/shop-v1 03-switch -> 01-prepare (rollback from 03-switch)');
  });

  test('transition/raised-without-capacity-gate: a phase that raises minReplicas without waiting for the pods', () => {
    const ungated = phases.map((p) => ({ ...p, gates: p.gates && { ...p.gates, capacity: undefined } }));
    expect(rulesOf(verifyPhases(ungated))).toEqual([
      'transition/raised-without-capacity-gate HorizontalPodAutoscaler shop/shop-v1 00-baseline -> 01-prepare',
      'transition/raised-without-capacity-gate HorizontalPodAutoscaler shop/shop-v2 00-baseline -> 01-prepare',
    ]);
    const short = phases.map((p, i) => (i === 1 ? { ...p, gates: { ...p.gates!, capacity: { deployments: p.gates!.capacity!.deployments.map((d) => ({ ...d, replicas: 2 })), timeoutSeconds: 600 } } } : p));
    expect(rulesOf(verifyPhases(short))).toHaveLength(2);
  });

  test('state/autoscaled-replicas: a Deployment under an HPA that also sets replicas', () => {
    const fixed = mapObjects(phases, (o) => (o.kind === 'Deployment' && o.metadata.name === 'shop-v2' ? { ...o, spec: { ...o.spec, replicas: 6 } } : o));
    const findings = verifyPhases(fixed);
    expect(rulesOf(findings)).toEqual(['01-prepare', '02-canary-20', '03-switch', '04-cleanup'].map(() => 'state/autoscaled-replicas Deployment shop/shop-v2'));
    expect(findings[0].fix).toBe('leave spec.replicas out of a Deployment that a HorizontalPodAutoscaler scales');
  });

  test('a matrix without autoscaling renders no HPA and keeps replicas (the example\'s dist/ is unchanged)', () => {
    const spec = autoscaledMatrix();
    delete spec.services.shop.autoscaling;
    const plain = synthesizeEnvironment(autoscaledEnvironment(spec));
    expect(plain.phases.flatMap((p) => p.objects).filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(plain.plan.phases.every((p) => p.gates.capacity === undefined)).toBe(true);
  });
});

test('the review names what an HPA change does', () => {
  const review = reviewPhases(output.phases.map((p) => ({ path: p.path, objects: p.objects, gates: output.plan.phases.find((q) => q.path === p.path)!.gates })));
  const texts = (i: number) => review[i].changes.filter((c) => c.text.startsWith('HorizontalPodAutoscaler')).map((c) => `${c.symbol} ${c.text}`);
  expect(texts(1)).toEqual(['~ HorizontalPodAutoscaler shop-v1: minReplicas 2 -> 6 (capacity before traffic moves)', '+ HorizontalPodAutoscaler shop-v2']);
  expect(texts(4)).toEqual(['~ HorizontalPodAutoscaler shop-v2: minReplicas 6 -> 2', '- HorizontalPodAutoscaler shop-v1']);
  expect(review[1].gates).toContain('capacity Deployment/shop-v1 6 available, Deployment/shop-v2 6 available (timeout 600s)');
});
