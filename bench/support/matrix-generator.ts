/** Matrices of any size for benchmarks: services x 3 environments, half the services released per environment. */
import { MatrixSpec } from '../../src/matrix/types';

/** A metric beside CPU, as services scaled on their request rate give it. */
const REQUEST_RATE = [
  { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  { type: 'Pods', pods: { metric: { name: 'istio_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } },
];

/** Environments of a generated matrix. */
export const BENCH_ENVIRONMENTS = ['dev', 'staging', 'production'];

/**
 * `services` services, each with versions v1 and v2, in three environments; in each environment half
 * of them (a different half per environment) are released v1 -> v2 as a canary with steps 10 and 50,
 * the others stay at v1. Production has an ingress Gateway and every fourth service is exposed.
 * The workload fields in realistic proportion: every service has environment variables (a Secret
 * reference among them) and scrape annotations; every third mounts a ConfigMap and a writable emptyDir
 * and runs under its own service account; every fifth gives its v2 its own image and env and a startup
 * probe; every tenth has a sidecar; production sets replicas and resources for every fourth. Every third
 * service is autoscaled (a HorizontalPodAutoscaler per version; wider bounds in production).
 */
export function generateMatrix(services: number): MatrixSpec {
  const names = Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(4, '0')}`);
  return {
    environments: Object.fromEntries(BENCH_ENVIRONMENTS.map((env) => [env, {
      namespace: `bench-${env}`,
      replicas: 2,
      ...(env === 'production' ? {
        ingressHosts: ['shop.example.com'],
        autoscaling: Object.fromEntries(names.filter((_, i) => i % 3 === 0).map((name) => [name, { minReplicas: 3, maxReplicas: 10 }])),
      } : {}),
    }])),
    services: Object.fromEntries(names.map((name, i) => [name, {
      image: `registry.example.com/bench/${name}`,
      versions: i % 5 === 0
        ? { v1: '1.0.0', v2: { image: `registry.example.com/bench/${name}-next`, tag: '2.0.0', env: [{ name: 'FEATURE_NEXT', value: 'on' }] } }
        : { v1: '1.0.0', v2: '2.0.0' },
      port: 8080,
      readinessPath: '/health/ready',
      livenessPath: '/health/live',
      ...(i % 4 === 0 ? { ingressPath: `/${name}` } : {}),
      container: {
        env: [
          { name: 'LOG_LEVEL', value: 'info' }, { name: 'SERVICE_NAME', value: name },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-db`, key: 'password' } } },
        ],
        ...(i % 3 === 0 ? { volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }, { name: 'cache', mountPath: '/var/cache/app' }] } : {}),
        ...(i % 5 === 0 ? { startupProbe: { httpGet: { path: '/health/started', port: 'http' }, failureThreshold: 30, periodSeconds: 2 } } : {}),
      },
      ...(i % 3 === 0 || i % 10 === 0 ? {
        pod: {
          ...(i % 3 === 0 ? {
            serviceAccountName: name,
            volumes: [{ name: 'config', configMap: { name: `${name}-config` } }, { name: 'cache', emptyDir: { sizeLimit: '256Mi' } }],
          } : {}),
          ...(i % 10 === 0 ? { containers: [{ name: 'log-shipper', image: 'registry.example.com/bench/log-shipper:3.1', args: ['--from', '/tmp'] }] } : {}),
        },
      } : {}),
      podMetadata: { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } },
      ...(i % 3 === 0 ? { autoscaling: { maxReplicas: 4, ...(i % 6 === 0 ? { metrics: REQUEST_RATE } : {}) } } : {}),
    }])),
    releases: Object.fromEntries(BENCH_ENVIRONMENTS.map((env, e) => [env, Object.fromEntries(names.map((name, i) => {
      // An autoscaled service's replicas are its HPA's (every third service): production overrides its resources only.
      const replicas = i % 3 === 0 ? {} : { replicas: 4 };
      const overrides = env === 'production' && i % 4 === 0 ? { overrides: { ...replicas, resources: { limits: { memory: '512Mi' } } } } : {};
      return [name, (i + e) % 2 === 0
        ? { from: 'v1', to: 'v2', strategy: { type: 'canary' as const, steps: [10, 50] }, ...overrides }
        : { version: 'v1', ...overrides }];
    }))])),
  };
}
