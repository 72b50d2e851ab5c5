import { kubernetesSchema } from '../../src/matrix/kubernetes';
import { parseWith } from '../../src/matrix/schema-support';
import { jsonSchemaOf } from '../../src/matrix/json-schema';

describe('Kubernetes types from the published 1.27 definitions', () => {
  const podSpec = kubernetesSchema('PodSpec');

  it('accepts a pod spec as Kubernetes writes it', () => {
    const spec = {
      serviceAccountName: 'bookinfo-reviews',
      containers: [{
        name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3',
        env: [{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
        ports: [{ containerPort: 9080 }],
        readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
        resources: { requests: { cpu: '250m', memory: 0.5 } },
        volumeMounts: [{ name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }],
      }],
      volumes: [{ name: 'wlp-output', emptyDir: {} }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    };
    expect(parseWith(podSpec, spec)).toEqual({ data: spec });
  });

  it('names the offending field and what would be valid', () => {
    const result = parseWith(podSpec, {
      containers: [{ name: 'x', envv: [], ports: [{ containerPort: 'x' }], resources: { limits: { cpu: '1x' } } }],
      volumes: [{ emptyDir: {} }],
    }, ['pod']);
    expect(result.problems).toEqual(expect.arrayContaining([
      { segments: ['pod', 'containers', 0, 'envv'], message: expect.stringMatching(/^unknown field \(did you mean env\?\) \(valid fields: args, command, env,/) },
      { segments: ['pod', 'containers', 0, 'ports', 0, 'containerPort'], message: '"x" is not a 32-bit integer' },
      { segments: ['pod', 'containers', 0, 'resources', 'limits', 'cpu'], message: '"1x" is not a Kubernetes quantity (e.g. 250m, 0.5, 128Mi, 1Gi)' },
      { segments: ['pod', 'volumes', 0, 'name'], message: 'required field is missing' },
    ]));
    expect(result.problems).toHaveLength(4);
  });

  it('gives editors each definition once, by its API name, with its documentation', () => {
    const schema = jsonSchemaOf(podSpec) as { definitions: Record<string, { description?: string }> };
    expect(schema.definitions['io.k8s.api.core.v1.Container'].description).toMatch(/^A single application container/);
    expect(Object.keys(schema.definitions)).toContain('io.k8s.api.core.v1.Probe');
  });
});
