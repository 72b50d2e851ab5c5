/**
 * Two rules QA found missing: a Deployment that receives traffic without a readiness probe (the simulator loses
 * requests in Bookinfo's canary), and a Gateway deleted while it served hosts in the previous phase.
 */
import { KubeObject } from '../../src/manifest';
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { ObjectData } from '../helpers';
import { phase, phases, ServiceState, stateObjects } from './fixtures';

const NS = 'shop';
const baseline: ServiceState = { name: 'coffee', deployments: ['v1'], weights: { v1: 100 }, gatewayWeights: { v1: 100 } };

/** `objects` with the readiness probe of the Deployments named in `names` removed. */
function withoutReadiness(objects: readonly KubeObject[], names: readonly string[]): KubeObject[] {
  return objects.map((o: ObjectData) => {
    if (o.kind !== 'Deployment' || !names.includes(o.metadata.name)) return o;
    const containers = o.spec.template.spec.containers.map((container: any) => ({ ...container, readinessProbe: undefined }));
    return { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, containers } } } };
  });
}

describe('state/routed-without-readiness', () => {
  test('a Deployment routed by a subset without a readiness probe on its serving container is a finding, with the fix', () => {
    const findings = verifyPhases([phase(0, 'baseline', withoutReadiness(stateObjects(NS, [baseline]), ['coffee-v1']))]);
    expect(findings).toEqual([expect.objectContaining({ rule: 'state/routed-without-readiness', phase: '00-baseline', object: 'Deployment shop/coffee-v1' })]);
    expect(findings[0].message).toContain('container coffee');
    expect(findings[0].fix).toContain('readinessProbe');
  });

  test('selected by a Service that no VirtualService routes: a finding too; a Deployment without traffic is not', () => {
    const objects = withoutReadiness(stateObjects(NS, [{ ...baseline, deployments: ['v1', 'v2'], gatewayWeights: undefined }]), ['coffee-v1', 'coffee-v2'])
      .filter((o) => o.kind !== 'VirtualService' && o.kind !== 'DestinationRule');
    expect(verifyPhases([phase(0, 'plain', objects)]).map((f) => `${f.rule} ${f.object}`)).toEqual([
      'state/routed-without-readiness Deployment shop/coffee-v1', 'state/routed-without-readiness Deployment shop/coffee-v2',
    ]);
    // v2 prepared without traffic (subset defined, weight 0): no finding for it.
    const prepared = withoutReadiness(stateObjects(NS, [{ ...baseline, deployments: ['v1', 'v2'], weights: { v1: 100, v2: 0 }, gatewayWeights: undefined }]), ['coffee-v2']);
    expect(verifyPhases([phase(0, 'prepare', prepared)])).toEqual([]);
  });

  test('the probe on another container than the serving one does not count', () => {
    const objects = stateObjects(NS, [baseline]).map((o: ObjectData) => {
      if (o.kind !== 'Deployment') return o;
      const [app] = o.spec.template.spec.containers;
      const { readinessProbe, ...withoutProbe } = app;
      const helper = { name: 'log-shipper', image: 'registry.example/shipper:1', readinessProbe };
      return { ...o, spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, containers: [helper, withoutProbe] } } } };
    });
    expect(verifyPhases([phase(0, 'baseline', objects)]).map((f) => f.rule)).toEqual(['state/routed-without-readiness']);
  });

  test('the simulator agrees: the same canary loses requests without the probe on the new version, none with it', () => {
    const states = [[baseline], [{ ...baseline, deployments: ['v1', 'v2'] }],
      [{ ...baseline, deployments: ['v1', 'v2'], weights: { v1: 50, v2: 50 }, gatewayWeights: { v1: 50, v2: 50 } }]];
    const gates = [{}, { rollout: { deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: NS, name: 'coffee-v2' }], timeoutSeconds: 300 }, propagation: { objects: [], seconds: 5 } }, {}];
    const safe = phases(NS, ['baseline', 'prepare', 'canary'], states, gates);
    expect(verifyPhases(safe)).toEqual([]);
    expect(simulateRelease(safe, { schedule: 'adversarial', qps: 100 }).failed).toBe(0);
    const unprobed = safe.map((p) => ({ ...p, objects: withoutReadiness(p.objects, ['coffee-v2']) }));
    expect(simulateRelease(unprobed, { schedule: 'adversarial', qps: 100 }).failed).toBeGreaterThan(0);
    expect(verifyPhases(unprobed).map((f) => `${f.rule} ${f.phase} ${f.object}`))
      .toEqual(['state/routed-without-readiness 02-canary Deployment shop/coffee-v2']);
  });
});

describe('transition/gateway-removed-while-serving', () => {
  const gatewayless = (objects: readonly KubeObject[], keepRoutes: boolean) =>
    objects.filter((o) => o.kind !== 'Gateway' && (keepRoutes || o.metadata.name !== 'coffee-gateway'));

  test('deleting the Gateway with the VirtualService that carries its ingress traffic is a finding on the Gateway', () => {
    const objects = stateObjects(NS, [baseline]);
    const findings = verifyPhases([phase(0, 'baseline', objects), phase(1, 'unexpose', gatewayless(objects, false))]);
    expect(findings).toEqual([expect.objectContaining({
      rule: 'transition/gateway-removed-while-serving', object: 'Gateway shop/coffee-gateway', transition: '00-baseline -> 01-unexpose',
    })]);
    expect(findings[0].message).toContain('hosts *');
    expect(findings[0].message).toContain('VirtualService shop/coffee-gateway');
  });

  test('deleting the Gateway alone is a finding too; a Gateway that served no route may go', () => {
    const objects = stateObjects(NS, [baseline]);
    expect(verifyPhases([phase(0, 'baseline', objects), phase(1, 'unexpose', gatewayless(objects, true))]).map((f) => f.rule))
      .toContain('transition/gateway-removed-while-serving');
    const unrouted = objects.filter((o) => o.metadata.name !== 'coffee-gateway' || o.kind === 'Gateway');
    expect(verifyPhases([phase(0, 'baseline', unrouted), phase(1, 'tidy', gatewayless(unrouted, false))])).toEqual([]);
  });
});
