/** The pod and Deployment controller model reads its settings from the objects' typed views, with Kubernetes' and Istio's defaults. */
import { KubeObject } from '../../src/manifest';
import { podTemplateOf } from '../../src/model';
import { podSettings, reconcile, replicasOf, Workload } from '../../src/simulate/pods';
import { DEFAULT_TIMINGS } from '../../src/simulate/timings';
import { DeploymentInfo } from '../../src/verify/state';

const deployment = (spec: unknown): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
const settingsOf = (template: unknown) => podSettings(podTemplateOf(deployment({ template })), DEFAULT_TIMINGS);

test('pod settings: readiness probe, the longest preStop (sleep action or a sleep command), grace period and sidecar drain', () => {
  expect(settingsOf({
    metadata: { annotations: { 'proxy.istio.io/config': '{"terminationDrainDuration": "1500ms"}' } },
    spec: {
      terminationGracePeriodSeconds: 45,
      containers: [
        { name: 'app', readinessProbe: { initialDelaySeconds: 4 }, lifecycle: { preStop: { sleep: { seconds: 12 } } } },
        { name: 'helper', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 15'] } } } },
      ],
    },
  })).toEqual({ probe: { initialDelay: 4, period: DEFAULT_TIMINGS.defaultProbePeriodSeconds }, preStop: 15, grace: 45, sidecarDrain: 1.5 });
  expect(settingsOf({ spec: { containers: [{ name: 'app' }] } })).toEqual({
    probe: undefined, preStop: 0, grace: DEFAULT_TIMINGS.defaultGracePeriodSeconds, sidecarDrain: DEFAULT_TIMINGS.sidecarDrainSeconds,
  });
});

test('the controller: replicas (default 1), and Recreate deletes every old pod before creating new ones', () => {
  const workload = (spec: unknown): Workload => {
    const object = deployment(spec);
    const info: DeploymentInfo = { object, key: 'Deployment default/web', namespace: 'default', podLabels: {}, template: null };
    return { key: info.key, info, settings: settingsOf(null), revision: 1, pods: [], goneAt: -Infinity };
  };
  expect(replicasOf(workload({ replicas: 3 }))).toBe(3);
  expect(replicasOf(workload({}))).toBe(1);
  expect(replicasOf(workload({ replicas: 'three' }))).toBe(1);
  const recreate = workload({ replicas: 2, strategy: { type: 'Recreate' } });
  const old = { ...recreate, pods: [0, 1].map((id) => ({ id, revision: 0, readyAt: 0 }) as Workload['pods'][number]) };
  expect(reconcile(old, 10)).toEqual({ create: 0, remove: old.pods });
  // RollingUpdate with maxSurge 1 and maxUnavailable 0: one new pod at a time, no old pod removed before it is ready.
  const rolling = workload({ replicas: 2, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  expect(reconcile({ ...rolling, pods: old.pods }, 10)).toEqual({ create: 1, remove: [] });
});
