/** The object model: one equality, one set of name rules, one field check whose messages name file, object and field. */
import { KubeObject } from '../../src/manifest';
import {
  boundGateways, DEFAULT_NAMESPACE, deploymentOf, fieldError, hostMatches, isKind, isMeshBound, namespaceOf, podTemplateOf, qualifyShortName, sameObject, serviceHost,
  serviceNameOfHost, servingContainerOf, targetPortsOf, virtualServiceOf, writtenNamespace,
} from '../../src/model';

const vs = (spec: unknown, namespace?: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', ...(namespace ? { namespace } : {}) }, spec,
});

describe('sameObject', () => {
  test('mappings are equal whatever the order of their keys, at any depth', () => {
    expect(sameObject({ a: 1, b: { c: [1, { d: 'x', e: null }] } }, { b: { c: [1, { e: null, d: 'x' }] }, a: 1 })).toBe(true);
  });
  test('lists keep their order; values and key sets must match', () => {
    expect(sameObject([1, 2], [2, 1])).toBe(false);
    expect(sameObject({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameObject({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameObject({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameObject({ a: [] }, { a: {} })).toBe(false);
    expect(sameObject(null, {})).toBe(false);
  });
  test('a key whose value is undefined counts as absent (as in JSON)', () => {
    expect(sameObject({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameObject({ a: 1 }, { a: 1, b: undefined })).toBe(true);
  });
});

describe('names', () => {
  test('a namespace-less object lands in the default namespace; its written namespace is empty', () => {
    const object = vs({});
    expect(namespaceOf(object)).toBe(DEFAULT_NAMESPACE);
    expect(DEFAULT_NAMESPACE).toBe('default');
    expect(writtenNamespace(object)).toBe('');
    expect(namespaceOf(vs({}, 'shop'))).toBe('shop');
  });
  test('short names: istiod qualifies dotless names only; the DNS search path also completes name.ns and name.ns.svc', () => {
    expect(qualifyShortName('web', 'shop')).toBe('web.shop.svc.cluster.local');
    expect(qualifyShortName('web.shop', 'other')).toBe('web.shop');
    expect(qualifyShortName('*.example.com', 'shop')).toBe('*.example.com');
    expect(serviceHost('web', 'shop')).toBe('web.shop.svc.cluster.local');
    expect(serviceHost('web.shop', 'other')).toBe('web.shop.svc.cluster.local');
    expect(serviceHost('web.shop.svc', 'other')).toBe('web.shop.svc.cluster.local');
    expect(serviceHost('api.example.com', 'shop')).toBe('api.example.com');
    expect(serviceNameOfHost('web.shop.svc.cluster.local', 'other')).toBe('shop/web');
    expect(serviceNameOfHost('web', 'other')).toBe('other/web');
  });
  test('wildcards match by suffix on either side', () => {
    expect(hostMatches('*.example.com', 'api.example.com')).toBe(true);
    expect(hostMatches('api.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('*', 'anything')).toBe(true);
    expect(hostMatches('*.a.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('api.example.com', 'web.example.com')).toBe(false);
  });
  test('a VirtualService is mesh-bound without gateways or with mesh among them; its gateways resolve in its namespace', () => {
    expect(isMeshBound(virtualServiceOf(vs({})))).toBe(true);
    expect(isMeshBound(virtualServiceOf(vs({ gateways: ['mesh', 'ingress'] })))).toBe(true);
    expect(isMeshBound(virtualServiceOf(vs({ gateways: ['ingress'] })))).toBe(false);
    expect(boundGateways(virtualServiceOf(vs({ gateways: ['mesh', 'ingress', 'istio-system/public'] })), 'shop'))
      .toEqual(['shop/ingress', 'istio-system/public']);
  });
});

describe('kinds', () => {
  test('a kind is matched with its API group: Istio Gateway is not the Gateway API one', () => {
    const gateway = (apiVersion: string): KubeObject => ({ apiVersion, kind: 'Gateway', metadata: { name: 'g' } });
    expect(isKind(gateway('networking.istio.io/v1'), 'Gateway')).toBe(true);
    expect(isKind(gateway('gateway.networking.k8s.io/v1'), 'Gateway')).toBe(false);
  });
  test('mistyped input reads as absent or empty, never as a wrong type', () => {
    const view = virtualServiceOf(vs({ hosts: 'web', http: [{ route: [{ destination: { host: 5 }, weight: '50' }], match: 'x' }] }));
    expect(view.hosts).toEqual([]);
    expect(view.http[0]).toEqual({ route: [{ destination: { host: '', subset: '', port: undefined }, weight: undefined }], mirrors: [], matches: [] });
  });
  test('a workload: its pod template with the containers\' probes and preStop hooks, and what the Deployment controller reads', () => {
    const deployment = (spec: unknown): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
    const template = {
      metadata: { labels: { app: 'web' }, annotations: { 'proxy.istio.io/config': 'terminationDrainDuration: 5s' } },
      spec: {
        terminationGracePeriodSeconds: 40,
        containers: [
          { name: 'app', image: 'web:1', readinessProbe: { initialDelaySeconds: 2, periodSeconds: '3' }, lifecycle: { preStop: { sleep: { seconds: 10 } } } },
          { name: 'proxy', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5', 7] } } } },
        ],
      },
    };
    const view = podTemplateOf(deployment({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } }, template }));
    expect(view).toEqual({
      labels: { app: 'web' }, annotations: { 'proxy.istio.io/config': 'terminationDrainDuration: 5s' }, terminationGracePeriodSeconds: 40, raw: template,
      containers: [
        { name: 'app', image: 'web:1', readinessProbe: { initialDelaySeconds: 2, periodSeconds: undefined }, preStop: { sleepSeconds: 10, command: [] } },
        { name: 'proxy', image: '', readinessProbe: undefined, preStop: { sleepSeconds: undefined, command: ['sh', '-c', 'sleep 5'] } },
      ],
    });
    expect(deploymentOf(deployment({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } } })))
      .toEqual({ replicas: 3, strategyType: 'RollingUpdate', maxSurge: 1, maxUnavailable: '50%' });
    expect(deploymentOf(deployment({ replicas: '3', strategy: { type: 5, rollingUpdate: { maxSurge: true } } })))
      .toEqual({ replicas: undefined, strategyType: undefined, maxSurge: undefined, maxUnavailable: undefined });
    expect(deploymentOf(deployment(undefined))).toEqual(deploymentOf(deployment({})));
  });
  test('field types are checked once, with a message naming the file, the object and the field', () => {
    expect(fieldError('shop/01-prepare/web.yaml', vs({ http: [{ route: [{ destination: { host: 'web' }, weight: '50' }] }] }, 'shop')))
      .toBe('shop/01-prepare/web.yaml: VirtualService shop/web: spec.http[0].route[0].weight: expected a number, not "50"');
    expect(fieldError('web.yaml', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { version: 2 } } } } }))
      .toBe('web.yaml: Deployment web: spec.template.metadata.labels.version: expected a string, not 2');
    expect(fieldError('web.yaml', vs({ hosts: ['web'] }))).toBeUndefined();
  });
});

describe('the container serving a Service', () => {
  const workload = (containers: unknown[]): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers } } } });
  const service = (ports: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports } });

  test('the target ports: targetPort by number or name, else the port', () => {
    expect(targetPortsOf(service([{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'metrics' }, { port: 82 }, {}]))).toEqual([8080, 'metrics', 82, 0]);
  });

  test('the first container declaring a target port, else the first; whether it has a readiness probe', () => {
    const sidecar = { name: 'log', readinessProbe: { exec: { command: ['true'] } } };
    const app = { name: 'app', ports: [{ containerPort: 8080, name: 'http' }] };
    expect(servingContainerOf(workload([sidecar, app]), [8080])).toEqual({ name: 'app', probed: false });
    expect(servingContainerOf(workload([sidecar, app]), ['http'])).toEqual({ name: 'app', probed: false });
    expect(servingContainerOf(workload([sidecar, app]), [9999])).toEqual({ name: 'log', probed: true });
    expect(servingContainerOf(workload([]), [8080])).toBeUndefined();
  });
});
