/**
 * Compile-time negative cases: `npm test` type-checks this file (tsc --noEmit), and tsc fails on any
 * `@ts-expect-error` line that is NOT an error. So each case below proves that the mistake it shows
 * does not compile. The positive case at the top proves that the cases fail for the right reason.
 */
import { defineMatrix, Strategy } from '../../src/matrix/types';

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
