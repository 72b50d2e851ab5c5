/** TCP services: Istio's TCP-like port protocols, routed by weighted tcp routes and probed by tcpSocket. */
import { validateMatrix } from '../../src/matrix';
import { synthesizeEnvironment } from '../../src/synth';
import { reviewPhases, trafficSeries } from '../../src/plan/review';
import { simulateRelease } from '../../src/simulate';
import { verifyPhases } from '../../src/verify';
import { baseMatrix, matrixProblems, ObjectData } from '../helpers';

/** The base matrix with barista a TCP-like service (no probe paths) released v1 -> v2 as a canary 10/50. */
function tcpMatrix(protocol = 'tcp'): any {
  const matrix = baseMatrix();
  const { readinessPath, livenessPath, ...barista } = matrix.services.barista;
  void readinessPath; void livenessPath;
  matrix.services.barista = { ...barista, protocol };
  matrix.releases.production = { barista: { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [10, 50] } } };
  return matrix;
}

type Output = ReturnType<typeof synthesizeEnvironment>;
const phasesOf = (output: Output) => output.phases.map((phase, i) => ({ name: phase.phase.name, path: phase.path, objects: phase.objects, gates: output.plan.phases[i].gates }));
const find = (objects: readonly ObjectData[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as ObjectData;

describe('a TCP service', () => {
  const output = synthesizeEnvironment(validateMatrix(tcpMatrix()).environments[0]);

  test('its Service and container ports are named by Istio\'s convention, its probes connect to the port', () => {
    const [baseline] = output.phases;
    expect(find(baseline.objects, 'Service', 'barista').spec.ports).toEqual([{ name: 'tcp', port: 9090, targetPort: 9090, protocol: 'TCP' }]);
    const container = find(baseline.objects, 'Deployment', 'barista-v1').spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ name: 'tcp', containerPort: 9090, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 9090 } }));
    expect(container.readinessProbe).not.toHaveProperty('httpGet');
    expect(container.livenessProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 9090 } }));
  });

  test('its VirtualService has weighted tcp routes, no http ones, in each canary step', () => {
    const routes = output.phases.map((phase) => find(phase.objects, 'VirtualService', 'barista').spec);
    for (const spec of routes) expect(spec).not.toHaveProperty('http');
    const weights = routes.map((spec) => spec.tcp[0].route.map((r: any) => `${r.destination.subset}=${r.weight}`).join(' '));
    expect(weights).toEqual(['v1=100', 'v1=100', 'v1=90 v2=10', 'v1=50 v2=50', 'v2=100', 'v2=100']);
  });

  test('plan reviews its tcp weights as it reviews http ones', () => {
    const phases = phasesOf(output);
    expect(reviewPhases(phases)[2].changes).toContainEqual({ symbol: '~', text: 'VirtualService barista: v1 100 -> v1 90, v2 10' });
    expect(trafficSeries(phases).find((s) => s.service === 'barista')?.shares.get('v2')).toEqual([0, 0, 10, 50, 100, 100]);
  });

  test('the canary verifies clean and simulates with 0 failed requests; merged phases lose connections', () => {
    const phases = phasesOf(output);
    expect(verifyPhases(phases)).toEqual([]);
    for (const schedule of ['random', 'adversarial'] as const) {
      const result = simulateRelease(phases, { schedule, qps: 100 });
      expect({ schedule, failed: result.failed, codes: Object.keys(result.total.codes) }).toEqual({ schedule, failed: 0, codes: ['200'] });
    }
    // The simulator routes by the tcp rules: the release applied as one phase fails as an HTTP one does.
    const merged = [{ ...phases[0], gates: undefined }, { ...phases[phases.length - 1], path: '01-release', gates: undefined }];
    expect(verifyPhases(merged).length).toBeGreaterThan(0);
    expect(simulateRelease(merged, { schedule: 'adversarial', qps: 100 }).failed).toBeGreaterThan(0);
  });

  test.each(['mongo', 'mysql', 'redis'])('%s is TCP-like: its port is named so, routed by tcp routes', (protocol) => {
    const [baseline] = synthesizeEnvironment(validateMatrix(tcpMatrix(protocol)).environments[0]).phases;
    expect(find(baseline.objects, 'Service', 'barista').spec.ports[0].name).toBe(protocol);
    expect(find(baseline.objects, 'VirtualService', 'barista').spec.tcp).toHaveLength(1);
  });

  test('grpc-web is HTTP-like: http routes, probe paths required', () => {
    const matrix = baseMatrix();
    matrix.services.barista.protocol = 'grpc-web';
    const [baseline] = synthesizeEnvironment(validateMatrix(matrix).environments[0]).phases;
    expect(find(baseline.objects, 'Service', 'barista').spec.ports[0].name).toBe('grpc-web');
    expect(find(baseline.objects, 'VirtualService', 'barista').spec.http).toHaveLength(1);
  });
});

describe('bad TCP input', () => {
  const problems = matrixProblems;

  test('an ingressPath is refused for a TCP-like protocol, with the reason', () => {
    const matrix = tcpMatrix('redis');
    matrix.services.barista.ingressPath = '/barista';
    expect(problems(matrix)).toEqual(['services.barista.ingressPath: protocol redis cannot be exposed under an HTTP path (the ingress Gateway serves HTTP on port 80): remove ingressPath']);
  });

  test('HTTP-like protocols still need both probe paths', () => {
    const matrix = tcpMatrix('http2');
    expect(problems(matrix)).toEqual([
      'services.barista.readinessPath: required field is missing (an HTTP path for protocol http2, or a Kubernetes probe as container.readinessProbe; only tcp, mongo, mysql, redis are probed by tcpSocket without one)',
      'services.barista.livenessPath: required field is missing (an HTTP path for protocol http2, or a Kubernetes probe as container.livenessProbe; only tcp, mongo, mysql, redis are probed by tcpSocket without one)',
    ]);
  });

  test('tls, https and udp are not offered', () => {
    for (const protocol of ['tls', 'https', 'udp']) {
      expect(problems(tcpMatrix(protocol))).toEqual([`services.barista.protocol: "${protocol}" is not a supported protocol (http, http2, grpc, grpc-web, tcp, mongo, mysql, redis)`]);
    }
  });
});
