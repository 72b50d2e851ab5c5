/** Shared test fixtures: a small valid matrix to mutate, and its validated form. */
import { KubeObject } from '../src/manifest';
import { MatrixSpec } from '../src/matrix/types';
import { Matrix } from '../src/matrix/model';
import { MatrixError, validateMatrix } from '../src/matrix/validate';

/** An object as tests read it back from YAML: its spec is plain data, reached into field by field (see eslint.config.mjs). */
export type ObjectData = KubeObject & { readonly spec?: any };

/** A fresh, valid, plain-data matrix (deep copy each call, safe to mutate). */
export function baseMatrix(): any {
  return {
    environments: { production: { namespace: 'production', replicas: 3, ingressHosts: ['*'] } },
    services: {
      'coffee-shop': {
        image: 'sdaschner/coffee-shop',
        versions: { v1: 'zero-downtime-1', v2: 'zero-downtime-2' },
        port: 8080,
        readinessPath: '/coffee-shop/resources/health',
        livenessPath: '/',
        preStopSeconds: 20,
        ingressPath: '/coffee-shop',
      },
      barista: { image: 'sdaschner/barista', versions: { v1: 'b1', v2: 'b2' }, port: 9090, readinessPath: '/health', livenessPath: '/' },
    },
    releases: { production: { 'coffee-shop': { from: 'v1', to: 'v2' }, barista: { version: 'v1' } } },
  };
}

/** A copy of `object` without the field `key` (the gates of a phase without one of them). */
export function without<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
  const copy = { ...object };
  Reflect.deleteProperty(copy, key);
  return copy;
}

/** Validates a plain-data matrix (throws on invalid input). */
export function matrixOf(spec: MatrixSpec | Record<string, unknown>): Matrix {
  return validateMatrix(spec);
}

/** The problems of a matrix as `path: message` lines, or [] when it is valid. */
export function matrixProblems(spec: unknown): string[] {
  try {
    validateMatrix(spec);
  } catch (error) {
    if (error instanceof MatrixError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

/** The messages validation reports for a mutated copy of {@link baseMatrix}; fails when the matrix is accepted. */
export function messagesFor(mutate: (m: any) => void): string[] {
  const spec = baseMatrix();
  mutate(spec);
  const problems = matrixProblems(spec);
  if (problems.length === 0) throw new Error('expected the matrix to be rejected');
  return problems;
}
