/** fast-check generators of valid matrices (plain data, as a YAML or JSON file would hold them). */
import fc from 'fast-check';

const SERVICE_NAMES = ['alpha', 'beta', 'gamma', 'delta'];
const VERSION_NAMES = ['v1', 'v2', 'v3'];
const ENVIRONMENT_NAMES = ['dev', 'staging', 'production'];

/** What one service does in one environment: absent, steady at a version, or released. */
const rolloutSpec = fc.oneof(
  fc.constant(undefined),
  fc.record({ version: fc.constantFrom(...VERSION_NAMES) }),
  fc.record({
    versions: fc.shuffledSubarray(VERSION_NAMES, { minLength: 2, maxLength: 2 }),
    steps: fc.oneof(fc.constant([] as number[]), fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 })),
    gateSeconds: fc.integer({ min: 0, max: 60 }),
  }).map(({ versions: [from, to], steps, gateSeconds }) => ({
    from, to,
    strategy: steps.length === 0 ? { type: 'blueGreen' } : { type: 'canary', steps: [...steps].sort((a, b) => a - b) },
    gates: { propagationSeconds: gateSeconds, drainSeconds: gateSeconds },
  })),
);

/** A valid matrix of 1-4 services in 1-3 environments, with random releases, canaries, ingress and replicas. */
export const validMatrixSpec = fc.record({
  services: fc.integer({ min: 1, max: SERVICE_NAMES.length }),
  environments: fc.integer({ min: 1, max: ENVIRONMENT_NAMES.length }),
  exposed: fc.array(fc.boolean(), { minLength: SERVICE_NAMES.length, maxLength: SERVICE_NAMES.length }),
  ingress: fc.array(fc.boolean(), { minLength: ENVIRONMENT_NAMES.length, maxLength: ENVIRONMENT_NAMES.length }),
  replicas: fc.integer({ min: 1, max: 5 }),
  rollouts: fc.array(rolloutSpec, { minLength: SERVICE_NAMES.length * ENVIRONMENT_NAMES.length, maxLength: SERVICE_NAMES.length * ENVIRONMENT_NAMES.length }),
}).map(({ services, environments, exposed, ingress, replicas, rollouts }) => {
  const serviceNames = SERVICE_NAMES.slice(0, services);
  const environmentNames = ENVIRONMENT_NAMES.slice(0, environments);
  return {
    environments: Object.fromEntries(environmentNames.map((env, e) => [env, {
      namespace: `ns-${env}`, replicas, ...(ingress[e] ? { ingressHosts: [`${env}.example.com`] } : {}),
    }])),
    services: Object.fromEntries(serviceNames.map((name, s) => [name, {
      image: `registry.example.com/${name}`,
      versions: Object.fromEntries(VERSION_NAMES.map((v, i) => [v, `${i + 1}.0.0`])),
      port: 8080 + s,
      readinessPath: '/ready',
      livenessPath: '/live',
      ...(exposed[s] ? { ingressPath: `/${name}` } : {}),
    }])),
    releases: Object.fromEntries(environmentNames.map((env, e) => [env, Object.fromEntries(serviceNames
      .map((name, s) => [name, rollouts[e * SERVICE_NAMES.length + s]] as const)
      .filter(([, rollout]) => rollout !== undefined))])),
  };
});
