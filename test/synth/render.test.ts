import { App, Chart, Yaml } from 'cdk8s';
import { EnvironmentBase, MeshService, TrafficSplit, VersionSubsets, VersionWorkload } from '../../src/constructs';
import { KubeObject } from '../../src/manifest';
import { Environment } from '../../src/matrix/model';
import { Phase, planEnvironment } from '../../src/plan/planner';
import { EnvironmentRenderer, exposesServices } from '../../src/synth/render';
import { baseMatrix, matrixOf } from '../helpers';

function phaseObjects(mutate: (m: any) => void = () => {}): Record<string, KubeObject[]> {
  const spec = baseMatrix();
  mutate(spec);
  const env = matrixOf(spec).environments[0];
  return Object.fromEntries(planEnvironment(env).map((p) => [p.name, new EnvironmentRenderer(env).renderPhase(p).flatMap((f) => f.objects)]));
}

const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} not rendered`);
  return found as any;
};

describe('rendered objects', () => {
  const phases = phaseObjects((m) => { m.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 50] }; });

  test('one Deployment per live version with explicit labels and selector', () => {
    const deployment = find(phases.prepare, 'Deployment', 'coffee-shop-v2');
    expect(deployment.metadata.namespace).toBe('production');
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'coffee-shop', version: 'v2' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'coffee-shop', version: 'v2' });
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(phases.prepare.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name))
      .toEqual(['barista-v1', 'coffee-shop-v1', 'coffee-shop-v2']);
    expect(phases.baseline.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['barista-v1', 'coffee-shop-v1']);
  });

  test('container: image, probes, preStop shorter than the grace period, security context', () => {
    const pod = find(phases.prepare, 'Deployment', 'coffee-shop-v2').spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe('sdaschner/coffee-shop:zero-downtime-2');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.readinessProbe).toEqual({
      httpGet: { path: '/coffee-shop/resources/health', port: 8080 }, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 1,
    });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 8080 });
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '20']);
    expect(pod.terminationGracePeriodSeconds).toBe(50);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(20);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
      runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  });

  test('an image digest is referenced with @', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = phaseObjects((m) => { m.services.barista.versions.v1 = digest; });
    expect(find(objects.baseline, 'Deployment', 'barista-v1').spec.template.spec.containers[0].image).toBe(`sdaschner/barista@${digest}`);
  });

  test('a PodDisruptionBudget per Deployment, selecting the same pods', () => {
    const pdb = find(phases.prepare, 'PodDisruptionBudget', 'coffee-shop-v2');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'coffee-shop', version: 'v2' } } });
    expect(phases.prepare.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(3);
  });

  test('Service selects every version by app, port named by Istio convention', () => {
    const service = find(phases.prepare, 'Service', 'coffee-shop');
    expect(service.spec.selector).toEqual({ app: 'coffee-shop' });
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    const grpc = phaseObjects((m) => { m.services.barista.protocol = 'grpc'; });
    expect(find(grpc.baseline, 'Service', 'barista').spec.ports[0].name).toBe('grpc');
  });

  test('DestinationRule has one subset per live version', () => {
    const subsets = (phase: string) => find(phases[phase], 'DestinationRule', 'coffee-shop').spec.subsets;
    expect(find(phases.baseline, 'DestinationRule', 'coffee-shop').apiVersion).toBe('networking.istio.io/v1');
    expect(find(phases.baseline, 'DestinationRule', 'coffee-shop').spec.host).toBe('coffee-shop');
    expect(subsets('baseline')).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
    expect(subsets('prepare')).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
    expect(subsets('cleanup')).toEqual([{ name: 'v2', labels: { version: 'v2' } }]);
  });

  test('mesh VirtualService weights follow the phase, gateway-bound one in lockstep', () => {
    const split = (phase: string, name: string) => find(phases[phase], 'VirtualService', name).spec.http[0].route
      .map((r: any) => `${r.destination.subset}:${r.weight}`).join(' ');
    const expected: Record<string, string> = {
      baseline: 'v1:100', prepare: 'v1:100', 'canary-10': 'v1:90 v2:10', 'canary-50': 'v1:50 v2:50', switch: 'v2:100', cleanup: 'v2:100',
    };
    for (const [phase, weights] of Object.entries(expected)) {
      expect(split(phase, 'coffee-shop')).toBe(weights);
      expect(split(phase, 'coffee-shop-gateway')).toBe(weights);
    }
    const mesh = find(phases.switch, 'VirtualService', 'coffee-shop');
    expect(mesh.spec.hosts).toEqual(['coffee-shop']);
    expect(mesh.spec.gateways).toBeUndefined();
    expect(mesh.spec.http[0].route[0].destination).toEqual({ host: 'coffee-shop', subset: 'v2', port: { number: 8080 } });
    const gateway = find(phases.switch, 'VirtualService', 'coffee-shop-gateway');
    expect(gateway.spec.hosts).toEqual(['*']);
    expect(gateway.spec.gateways).toEqual(['production-gateway']);
    expect(gateway.spec.http[0].match).toEqual([{ uri: { prefix: '/coffee-shop' } }]);
  });

  test('Gateway and namespace; nothing exposed without ingress hosts or ingress path', () => {
    const gateway = find(phases.baseline, 'Gateway', 'production-gateway');
    expect(gateway.spec).toEqual({
      selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    expect(phases.baseline.some((o) => o.metadata.name === 'barista-gateway')).toBe(false);
    expect(find(phases.baseline, 'Namespace', 'production').metadata.labels).toMatchObject({
      'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const internal = phaseObjects((m) => { delete m.environments.production.ingressHosts; });
    expect(internal.baseline.filter((o) => o.kind === 'Gateway' || o.metadata.name.endsWith('-gateway'))).toEqual([]);
  });
});

describe('rendering each distinct object once', () => {
  /** The straightforward rendering: every phase from scratch, one chart per file. */
  function renderFromScratch(env: Environment, phase: Phase): Map<string, string> {
    const files = new Map<string, string>();
    const chartFile = (name: string, build: (chart: Chart) => void) => {
      const chart = new Chart(new App(), name);
      build(chart);
      files.set(`${name}.k8s.yaml`, Yaml.stringify(...chart.toJson()));
    };
    chartFile('00-environment', (chart) => new EnvironmentBase(chart, 'Base', { environment: env, exposesServices: exposesServices(env) }));
    for (const state of phase.services) {
      const service = state.rollout.service;
      chartFile(service.name, (chart) => {
        new MeshService(chart, 'Service', { service, environment: env });
        new VersionSubsets(chart, 'Subsets', { service, environment: env, versions: state.versions });
        new TrafficSplit(chart, 'Split', { service, environment: env, routes: state.routes });
        for (const version of state.versions) new VersionWorkload(chart, version, { service, version, environment: env });
      });
    }
    return files;
  }

  test('is byte-identical to rendering every phase from scratch, on a matrix with every object kind', () => {
    const spec = baseMatrix();
    spec.environments.staging = { namespace: 'staging', replicas: 1 };
    spec.services.barista.protocol = 'grpc';
    spec.services.barista.versions.v3 = `sha256:${'b'.repeat(64)}`;
    spec.services.barista.ingressPath = '/barista';
    spec.releases.production['coffee-shop'].strategy = { type: 'canary', steps: [10, 50] };
    spec.releases.production.barista = { from: 'v1', to: 'v3', strategy: { type: 'canary', steps: [5] } };
    spec.releases.staging = { barista: { from: 'v2', to: 'v1' }, 'coffee-shop': { version: 'v2' } };
    const matrix = matrixOf(spec);
    let compared = 0;
    for (const env of matrix.environments) {
      const renderer = new EnvironmentRenderer(env);
      for (const phase of planEnvironment(env)) {
        const cached = new Map(renderer.renderPhase(phase).map((f) => [f.name, f.yaml]));
        expect(cached).toEqual(renderFromScratch(env, phase));
        compared += cached.size;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
