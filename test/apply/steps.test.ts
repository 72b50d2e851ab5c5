/** The one definition of a plan's steps (src/apply/steps.ts) that every executor follows. */
import { gateActions, planSteps, stepActions } from '../../src/apply/steps';
import { readPlanDirectory } from '../../src/apply';
import { join } from 'node:path';
import { synthesizedExample } from './stand-in';

const ref = (kind: string, name: string) => ({ apiVersion: 'v1', kind, namespace: 'ns', name });

test('a step is: apply, record applying, removals, gates in plan.json order (rollout, propagation, observe, drain), record completed', () => {
  const actions = stepActions({
    path: '02-switch',
    removes: [ref('Deployment', 'old')],
    gates: {
      drain: { seconds: 30 },
      observe: { seconds: 60 },
      propagation: { objects: [ref('VirtualService', 'vs')], seconds: 5 },
      rollout: { deployments: [ref('Deployment', 'a'), ref('Deployment', 'b')], timeoutSeconds: 600 },
    },
  });
  expect(actions.map((a) => a.kind === 'pause' ? `pause ${a.gate}` : a.kind === 'record' ? `record ${a.state}` : a.kind))
    .toEqual(['apply', 'record applying', 'remove', 'rollout', 'rollout', 'propagation', 'pause observe', 'pause drain', 'record completed']);
  expect(gateActions({})).toEqual([]);
});

test('planSteps gives the forward phases and every rollback of plan.json, each step applying the folder plan.json names', () => {
  const { plan } = readPlanDirectory(join(synthesizedExample(), 'production'));
  const steps = planSteps(plan);
  expect(steps.forward.map((s) => s.label)).toEqual(plan.phases.map((p) => p.path));
  expect([...steps.rollbacks.keys()]).toEqual(Object.keys(plan.rollbacks!));
  expect(steps.rollbacks.get('03-cleanup')!.map((s) => [s.label, s.actions[0]])).toEqual(
    plan.rollbacks!['03-cleanup'].map((s) => [s.name, { kind: 'apply', path: s.path }]));
});

test('the capacity gate comes after the rollout gate and before propagation, one action per Deployment', () => {
  const actions = gateActions({
    propagation: { objects: [ref('DestinationRule', 'dr')], seconds: 5 },
    capacity: { deployments: [{ deployment: ref('Deployment', 'a'), replicas: 6 }, { deployment: ref('Deployment', 'b'), replicas: 6 }], timeoutSeconds: 600 },
    rollout: { deployments: [ref('Deployment', 'b')], timeoutSeconds: 600 },
  });
  expect(actions.map((a) => (a.kind === 'capacity' ? `capacity ${a.deployment.name}=${a.replicas}` : a.kind)))
    .toEqual(['rollout', 'capacity a=6', 'capacity b=6', 'propagation']);
});
