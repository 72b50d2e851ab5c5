/**
 * The example release (the seed article's coffee shop): production releases coffee-shop v1 -> v2
 * blue/green behind an ingress Gateway while barista stays at v1; staging releases coffee-shop
 * v2 -> v3 as a 10 % then 50 % canary and barista v1 -> v2 blue/green.
 * `examples/coffee-shop.yaml` is the same matrix as data (a test keeps the two equal).
 */
import { defineMatrix, Strategy } from '../matrix/types';

export const exampleMatrix = defineMatrix({
  environments: {
    production: { namespace: 'production', replicas: 3, ingressHosts: ['*'] },
    staging: { namespace: 'staging', replicas: 1 },
  },
  services: {
    'coffee-shop': {
      image: 'sdaschner/coffee-shop',
      versions: { v1: 'zero-downtime-1', v2: 'zero-downtime-2', v3: 'zero-downtime-3' },
      port: 8080,
      readinessPath: '/coffee-shop/resources/health',
      livenessPath: '/',
      preStopSeconds: 20,
      ingressPath: '/coffee-shop',
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '768Mi' } },
    },
    barista: {
      image: 'sdaschner/barista',
      versions: { v1: 'zero-downtime-1', v2: 'zero-downtime-2' },
      port: 8080,
      readinessPath: '/barista/resources/health',
      livenessPath: '/',
      preStopSeconds: 20,
    },
  },
  releases: {
    production: {
      'coffee-shop': { from: 'v1', to: 'v2', strategy: Strategy.blueGreen(), gates: { propagationSeconds: 5, drainSeconds: 30 } },
      barista: { version: 'v1' },
    },
    staging: {
      'coffee-shop': { from: 'v2', to: 'v3', strategy: Strategy.canary(10, 50), gates: { observeSeconds: 60 } },
      barista: { from: 'v1', to: 'v2' },
    },
  },
});
