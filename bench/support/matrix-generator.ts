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
 * the others stay at v1. Production has an ingress Gateway and every fourth service is exposed. Every third
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
      versions: { v1: '1.0.0', v2: '2.0.0' },
      port: 8080,
      readinessPath: '/health/ready',
      livenessPath: '/health/live',
      ...(i % 4 === 0 ? { ingressPath: `/${name}` } : {}),
      ...(i % 3 === 0 ? { autoscaling: { maxReplicas: 4, ...(i % 6 === 0 ? { metrics: REQUEST_RATE } : {}) } } : {}),
    }])),
    releases: Object.fromEntries(BENCH_ENVIRONMENTS.map((env, e) => [env, Object.fromEntries(names.map((name, i) => [name,
      (i + e) % 2 === 0
        ? { from: 'v1', to: 'v2', strategy: { type: 'canary' as const, steps: [10, 50] } }
        : { version: 'v1' }]))])),
  };
}
