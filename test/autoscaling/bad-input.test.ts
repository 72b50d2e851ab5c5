/**
 * Bad autoscaling input: each a message with the field's path (and its line and column in a file), exit 1
 * from `phased-rollout synth`, nothing written.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { matrixProblems } from '../helpers';
import { loadMatrixFile } from '../../src/matrix/load';
import { runCli, STACK_LINE } from '../robustness/cli';
import { autoscaledMatrix } from './fixtures';

/** The problems of a matrix: `path: message`, or [] when it is valid. */
function problems(change: (spec: any) => void): string[] {
  const spec = autoscaledMatrix();
  change(spec);
  return matrixProblems(spec);
}

const AT = 'services.shop.autoscaling';

test.each<[string, (spec: any) => void, string[]]>([
  ['min > max', (s) => { s.services.shop.autoscaling.minReplicas = 7; }, [`${AT}.minReplicas: 7 is more than maxReplicas (6)`]],
  ['min < 1', (s) => { s.services.shop.autoscaling.minReplicas = 0; }, [`${AT}.minReplicas: 0 is not an integer from 1 to 1000`]],
  ['max over the bound', (s) => { s.services.shop.autoscaling.maxReplicas = 1001; }, [`${AT}.maxReplicas: 1001 is not an integer from 1 to 1000`]],
  ['no max', (s) => { delete s.services.shop.autoscaling.maxReplicas; }, [`${AT}.maxReplicas: required field is missing`]],
  ['a per-environment replica count for an autoscaled service', (s) => { s.releases.production.shop.overrides = { replicas: 3 }; },
    ['releases.production.shop.overrides.replicas: service shop is autoscaled: its HorizontalPodAutoscaler owns the replica count ' +
      '(give environments.production.autoscaling.shop.minReplicas/maxReplicas instead)']],
  ['an environment\'s min above the service\'s max', (s) => { s.environments.production.autoscaling = { shop: { minReplicas: 8 } }; },
    ['environments.production.autoscaling.shop.minReplicas: 8 is more than maxReplicas 6 (services.shop.autoscaling.maxReplicas)']],
  ['an environment\'s max below the service\'s min', (s) => { s.environments.production.autoscaling = { shop: { maxReplicas: 1 } }; },
    ['environments.production.autoscaling.shop.maxReplicas: 1 is less than minReplicas 2 (services.shop.autoscaling.minReplicas)']],
  ['the environment\'s fixed replicas above max, where they are the default minReplicas', (s) => {
    delete s.services.shop.autoscaling.minReplicas;
    s.environments.production.replicas = 8;
  }, ['environments.production.replicas: 8 is more than maxReplicas 6 of service shop (services.shop.autoscaling.maxReplicas): ' +
    'the environment\'s replicas is the minReplicas of an autoscaling that gives none']],
  ['bounds for a service without autoscaling', (s) => { s.environments.production.autoscaling = { tea: { maxReplicas: 3 } }; },
    ['environments.production.autoscaling.tea: service tea has no autoscaling (give services.tea.autoscaling first)']],
  ['bounds for an undeclared service', (s) => { s.environments.production.autoscaling = { milk: {} }; },
    ['environments.production.autoscaling.milk: "milk" is not a declared service (shop, tea)']],
  ['an unknown field, with did you mean', (s) => { s.services.shop.autoscaling.maxReplica = 3; }, [
    `${AT}.maxReplica: unknown field (did you mean maxReplicas?) (valid fields: minReplicas, maxReplicas, metrics, behavior)`]],
  ['a metric of an unknown type', (s) => { s.services.shop.autoscaling.metrics = [{ type: 'Cpu', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]; },
    [`${AT}.metrics[0].type: "Cpu" is not a metric type (Resource, ContainerResource, Pods, Object, External)`]],
  ['a metric whose source is not its type\'s', (s) => {
    s.services.shop.autoscaling.metrics = [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }];
  }, [`${AT}.metrics[0].resource: is not the source of a Pods metric (give pods only)`,
    `${AT}.metrics[0].pods: required field is missing (a Pods metric gives its source here)`]],
  ['a target its metric does not allow', (s) => { s.services.shop.autoscaling.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Value', value: '1' } } }]; },
    [`${AT}.metrics[0].resource.target.type: "Value" is not a target of a Resource metric (Utilization, AverageValue)`]],
  ['a target without its value', (s) => { s.services.shop.autoscaling.metrics = [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', value: '10' } } }]; },
    [`${AT}.metrics[0].pods.target.averageValue: required field is missing (a AverageValue target needs averageValue above 0)`,
      `${AT}.metrics[0].pods.target.value: is not the value of a AverageValue target (give averageValue only)`]],
  ['a metric field of the wrong type', (s) => { s.services.shop.autoscaling.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: '80%' } } }]; },
    [`${AT}.metrics[0].resource.target.averageUtilization: "80%" is not a 32-bit integer`]],
  ['a metric name that could leave its field', (s) => { s.services.shop.autoscaling.metrics = [{ type: 'External', external: { metric: { name: 'q\n---\nkind: Secret' }, target: { type: 'Value', value: '5' } } }]; },
    [`${AT}.metrics[0].external.metric.name: "q\\n---\\nkind: Secret" is not a metric name (letters, digits, _ : . -, at most 253 characters)`]],
  ['a utilization of a resource the container does not request', (s) => {
    s.services.shop.resources = { requests: { memory: '128Mi' } };
  }, [`${AT}.metrics[0].resource.name: "cpu" utilization needs resources.requests.cpu (utilization is a percentage of the request)`]],
  ['a behavior out of Kubernetes\' bounds', (s) => {
    s.services.shop.autoscaling.behavior = { scaleUp: { stabilizationWindowSeconds: 3601, selectPolicy: 'Fastest', policies: [{ type: 'Pods', value: 4, periodSeconds: 1801 }] } };
  }, [`${AT}.behavior.scaleUp.stabilizationWindowSeconds: 3601 is not an integer from 0 to 3600`,
    `${AT}.behavior.scaleUp.selectPolicy: "Fastest" is not a select policy (Max, Min, Disabled)`,
    `${AT}.behavior.scaleUp.policies[0].periodSeconds: 1801 is not an integer from 1 to 1800`]],
])('%s', (_, change, expected) => {
  expect(problems(change)).toEqual(expected);
});

test('valid metrics of every type are accepted as Kubernetes writes them', () => {
  expect(problems((s) => {
    s.services.shop.autoscaling.metrics = [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'shop', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: 100 } } },
      { type: 'Object', object: { metric: { name: 'requests-per-second' }, describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, target: { type: 'Value', value: '10k' } } },
      { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'orders' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    ];
    s.services.shop.autoscaling.behavior = { scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' }, scaleDown: { selectPolicy: 'Disabled' } };
  })).toEqual([]);
});

describe('in a matrix file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpa-bad-'));
  const file = join(dir, 'matrix.yaml');
  const spec = autoscaledMatrix();
  spec.services.shop.autoscaling.minReplicas = 9;
  writeFileSync(file, stringify(spec));
  const lines = stringify(spec).split('\n');
  const line = lines.findIndex((l) => l.trim() === 'minReplicas: 9') + 1;
  const where = `${file}:${line}:${lines[line - 1].indexOf('minReplicas') + 1}`;

  test('the message gives the file, line and column of the field', () => {
    expect(() => loadMatrixFile(file)).toThrow(`${where}: services.shop.autoscaling.minReplicas: 9 is more than maxReplicas (6)`);
  });

  test('phased-rollout synth exits 1 with that message, no stack trace, and writes nothing', async () => {
    const out = join(dir, 'dist');
    const { status, stderr } = await runCli(['synth', '--matrix', file, '--out', out]);
    expect(status).toBe(1);
    expect(stderr).toContain(`${where}: services.shop.autoscaling.minReplicas: 9 is more than maxReplicas (6)`);
    expect(stderr).not.toMatch(STACK_LINE);
    expect(existsSync(out)).toBe(false);
  });
});
