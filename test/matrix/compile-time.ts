/**
 * Compile-time negative cases: `npm test` type-checks this file (tsc --noEmit), and tsc fails on any
 * `@ts-expect-error` line that is NOT an error. So each case below proves that the mistake it shows
 * does not compile. The positive case at the top proves that the cases fail for the right reason.
 */
import { defineMatrix, ServiceSpec, Strategy } from '../../src/matrix/types';

const services = {
  'coffee-shop': {
    image: 'sdaschner/coffee-shop',
    versions: { v1: 'zero-downtime-1', v2: 'zero-downtime-2' },
    port: 8080,
    readinessPath: '/health',
    livenessPath: '/',
  },
  barista: { image: 'sdaschner/barista', versions: { v1: 'a' }, port: 8080, readinessPath: '/health', livenessPath: '/' },
} as const;

// A valid matrix compiles.
export const valid = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: { production: { 'coffee-shop': { from: 'v1', to: 'v2', strategy: Strategy.canary(10, 50) }, barista: { version: 'v1' } } },
});

export const undeclaredToVersion = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error "v3" is not a declared version of coffee-shop
    production: { 'coffee-shop': { from: 'v1', to: 'v3' } },
  },
});

export const undeclaredFromVersion = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error "v0" is not a declared version of coffee-shop
    production: { 'coffee-shop': { from: 'v0', to: 'v2' } },
  },
});

export const versionOfAnotherService = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error barista has no v2, although coffee-shop has
    production: { barista: { version: 'v2' } },
  },
});

export const undeclaredEnvironment = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error "staging" is not a declared environment
    staging: { barista: { version: 'v1' } },
  },
});

export const undeclaredService = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error "cofee-shop" (typo) is not a declared service
    production: { 'cofee-shop': { version: 'v1' } },
  },
});

export const strategyAsString = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services,
  releases: {
    // @ts-expect-error a strategy is built with Strategy.blueGreen() or Strategy.canary(...), not a loose string
    production: { 'coffee-shop': { from: 'v1', to: 'v2', strategy: 'canary' } },
  },
});

export const portAsString = defineMatrix({
  environments: { production: { namespace: 'production' } },
  services: {
    // @ts-expect-error port is a number
    web: { image: 'web', versions: { v1: '1' }, port: '8080', readinessPath: '/', livenessPath: '/' },
  },
  releases: {},
});

// The workload in TypeScript: Kubernetes' own types and field names, per-version images, per-environment overrides.
const reviews: ServiceSpec = {
  image: 'docker.io/istio/examples-bookinfo-reviews-v1',
  versions: { v1: '1.20.3', v2: { image: 'docker.io/istio/examples-bookinfo-reviews-v2', tag: '1.20.3', env: [{ name: 'STAR_COLOR', value: 'black' }] } },
  port: 9080,
  readinessPath: '/health',
  livenessPath: '/health',
  container: { env: [{ name: 'LOG_DIR', value: '/tmp/logs' }], volumeMounts: [{ name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }] },
  pod: { serviceAccountName: 'bookinfo-reviews', volumes: [{ name: 'wlp-output', emptyDir: {} }] },
  podMetadata: { annotations: { 'prometheus.io/scrape': 'true' } },
};
export const workload = defineMatrix({
  environments: { production: { namespace: 'production', podSecurity: 'restricted' } },
  services: { reviews },
  releases: { production: { reviews: { from: 'v1', to: 'v2', overrides: { replicas: 4, nodeSelector: { pool: 'prod' } } } } },
});

export const ownedContainerName: ServiceSpec = {
  ...reviews,
  // @ts-expect-error the main container's name is the service's
  container: { name: 'reviews' },
};

export const misspelledKubernetesField: ServiceSpec = {
  ...reviews,
  // @ts-expect-error Kubernetes' Container has no field evn
  container: { evn: [] },
};

export const wrongKubernetesType: ServiceSpec = {
  ...reviews,
  // @ts-expect-error an EnvVar's value is a string
  container: { env: [{ name: 'A', value: 1 }] },
};
