/**
 * Rollback plans: from every phase back to the baseline, traffic first and removal last, each plan
 * checked by the same verifier as the forward plan (src/verify), in memory and as written to dist/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { Environment } from '../../src/matrix/model';
import { planEnvironment } from '../../src/plan/planner';
import { planRollback } from '../../src/plan/rollback';
import { synthesizeFiles } from '../../src/synth';
import { writeTreeAtomically } from '../../src/synth/output';
import { loadPhases, verifyPhases } from '../../src/verify';
import { baseMatrix } from '../helpers';

const example = validateMatrix(exampleMatrix);
const canaryOfThree = (() => {
  const spec = baseMatrix();
  spec.releases.production['coffee-shop'] = { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [5, 25, 75] } };
  spec.releases.production.barista = { from: 'v2', to: 'v1' };
  return validateMatrix(spec).environments[0];
})();
const environments: Environment[] = [...example.environments, canaryOfThree];
const cases = environments.flatMap((env) => planEnvironment(env).map((phase, from) => [`${env.name}${env === canaryOfThree ? ' (3-step canary)' : ''}`, phase.name, env, from] as const));

const summary = (env: Environment, from: number) => planRollback(env, from).map((phase) => [phase.name,
  Object.fromEntries(phase.services.map((s) => [s.rollout.service.name, `${s.versions.join('+')} @ ${s.routes.map((r) => `${r.version} ${r.weight}`).join(', ')}`]))]);

test.each(cases)('%s from %s: starts at that phase, ends at the baseline', (_label, _phase, env, from) => {
  const forward = planEnvironment(env);
  const phases = planRollback(env, from);
  expect(phases[0].services).toEqual(forward[from].services);
  expect(phases[phases.length - 1].services).toEqual(forward[0].services);
});

test('the steps: restore the old version if cleanup removed it, move traffic back, remove the new version last', () => {
  const production = example.environments.find((e) => e.name === 'production')!;
  expect(summary(production, 3)).toEqual([
    ['cleanup', { barista: 'v1 @ v1 100', 'coffee-shop': 'v2 @ v2 100' }],
    ['restore-old', { barista: 'v1 @ v1 100', 'coffee-shop': 'v1+v2 @ v2 100' }],
    ['revert-traffic', { barista: 'v1 @ v1 100', 'coffee-shop': 'v1+v2 @ v1 100' }],
    ['remove-new', { barista: 'v1 @ v1 100', 'coffee-shop': 'v1 @ v1 100' }],
  ]);
  const staging = example.environments.find((e) => e.name === 'staging')!;
  expect(summary(staging, 2).map(([name]) => name)).toEqual(['canary-10', 'revert-traffic', 'remove-new']);
  expect(summary(staging, 1).map(([name]) => name)).toEqual(['prepare', 'remove-new']);
  expect(summary(staging, 0).map(([name]) => name)).toEqual(['baseline']);
  expect(() => planRollback(staging, 6)).toThrow('phase index 6 is not in 0..5');
});

describe('every rollback bundle passes the verifier', () => {
  const files = synthesizeFiles(example);
  const dist = join(mkdtempSync(join(tmpdir(), 'rollback-')), 'dist');
  writeTreeAtomically(dist, files);
  const bundles = [...new Set([...files.keys()].filter((f) => f.startsWith('rollback/')).map((f) => f.split('/').slice(0, 3).join('/')))];

  test('a bundle per phase after the baseline', () => {
    expect(bundles).toEqual([
      'rollback/production/01-prepare', 'rollback/production/02-switch', 'rollback/production/03-cleanup',
      'rollback/staging/01-prepare', 'rollback/staging/02-canary-10', 'rollback/staging/03-canary-50', 'rollback/staging/04-switch', 'rollback/staging/05-cleanup',
    ]);
  });

  test.each(bundles)('%s: verified clean with its plan.json gates, and its first phase is the forward phase it rolls back', (bundle) => {
    const loaded = loadPhases(join(dist, bundle));
    expect(loaded.planned).toBe(true);
    expect(verifyPhases(loaded.phases)).toEqual([]);
    const [, env, from] = bundle.split('/');
    const forwardPhase = loadPhases(join(dist, env)).phases.find((p) => p.path.endsWith(from))!;
    expect(loaded.phases[0].objects).toEqual(forwardPhase.objects);
    expect(loaded.phases[loaded.phases.length - 1].objects).toEqual(loadPhases(join(dist, env)).phases[0].objects);
  });

  test.each(cases)('%s from %s: verified clean in memory (with gates)', (_label, _phase, env, from) => {
    const files = synthesizeFiles({ services: example.services, environments: [env] } as any);
    const root = `rollback/${env.name}/`;
    const bundle = [...files.keys()].find((f) => f.startsWith(root) && f.split('/')[2].startsWith(String(from).padStart(2, '0')));
    if (from === 0) {
      expect(bundle).toBeUndefined();
      return;
    }
    const out = join(mkdtempSync(join(tmpdir(), 'rollback-case-')), 'dist');
    writeTreeAtomically(out, files);
    expect(verifyPhases(loadPhases(join(out, bundle!.split('/').slice(0, 3).join('/'))).phases)).toEqual([]);
  });

  test('the verifier would catch a rollback that removes the new version while it still carries traffic', () => {
    const loaded = loadPhases(join(dist, 'rollback/production/02-switch'));
    const [start, , removeNew] = loaded.phases; // skip revert-traffic
    const findings = verifyPhases([start, removeNew]);
    expect(findings.map((f) => f.rule)).toContain('transition/removed-while-routed');
  });
});
