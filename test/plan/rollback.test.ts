/**
 * Rollback plans: from every phase back to the baseline, traffic first and removal last, as sequences
 * of the environment's own forward phase folders. Each sequence is checked by the same verifier as the
 * forward plan (src/verify), in memory and from plan.json as written to dist/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { Environment } from '../../src/matrix/model';
import { planRollback } from '../../src/plan/rollback';
import { synthesizeEnvironment, synthesizeFiles, UnsafePlanError, assertSafe } from '../../src/synth';
import { writeTreeAtomically } from '../../src/synth/output';
import { loadPhases, verifyPhases } from '../../src/verify';
import { baseMatrix, without } from '../helpers';

const example = validateMatrix(exampleMatrix);
const canaryOfThree = (() => {
  const spec = baseMatrix();
  spec.releases.production['coffee-shop'] = { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [5, 25, 75] } };
  spec.releases.production.barista = { from: 'v2', to: 'v1' };
  return validateMatrix(spec).environments[0];
})();
const environments: Environment[] = [...example.environments, canaryOfThree];
const label = (env: Environment) => `${env.name}${env === canaryOfThree ? ' (3-step canary)' : ''}`;
const cases = environments.flatMap((env) => synthesizeEnvironment(env).phases.map((phase, from) => [label(env), phase.path, env, from] as const));

const summary = (env: Environment, from: number) => {
  const { phases } = synthesizeEnvironment(env);
  return planRollback(env, phases, from).map((step) => [step.name, step.path, step.removes.map((r) => `${r.kind}/${r.name}`)] as const);
};

test.each(cases)('%s from %s: starts at that phase, ends at the baseline, each step a forward phase with removals last', (_label, _path, env, from) => {
  const { phases } = synthesizeEnvironment(env);
  const steps = planRollback(env, phases, from);
  expect(steps[0]).toEqual(expect.objectContaining({ name: 'reapply', path: phases[from].path, removes: [] }));
  expect(steps[steps.length - 1].path).toBe(phases[0].path);
  const indexes = steps.map((step) => phases.findIndex((p) => p.path === step.path));
  expect(indexes.every((i, k) => k === 0 || i < indexes[k - 1])).toBe(true); // each step a distinct forward phase, towards the baseline
  const removing = steps.map((step) => step.removes.length > 0);
  expect(removing.slice(0, -1)).not.toContain(true); // only the last step removes anything
});

test('the steps: restore the old version if cleanup removed it (switch), move traffic back (prepare), remove the new version last (baseline)', () => {
  const production = example.environments.find((e) => e.name === 'production')!;
  expect(summary(production, 3)).toEqual([
    ['reapply', '03-cleanup', []],
    ['restore-old', '02-switch', []],
    ['revert-traffic', '01-prepare', []],
    ['remove-new', '00-baseline', ['Deployment/coffee-shop-v2', 'PodDisruptionBudget/coffee-shop-v2']],
  ]);
  const staging = example.environments.find((e) => e.name === 'staging')!;
  expect(summary(staging, 2).map(([name, path]) => `${name} ${path}`)).toEqual(['reapply 02-canary-10', 'revert-traffic 01-prepare', 'remove-new 00-baseline']);
  expect(summary(staging, 4).map(([name, path]) => `${name} ${path}`)).toEqual(['reapply 04-switch', 'revert-traffic 01-prepare', 'remove-new 00-baseline']);
  expect(summary(staging, 1).map(([name, path]) => `${name} ${path}`)).toEqual(['reapply 01-prepare', 'remove-new 00-baseline']);
  expect(summary(staging, 0).map(([name]) => name)).toEqual(['reapply']);
  expect(() => summary(staging, 6)).toThrow('phase index 6 is not in 0..5');
});

test('the gates: step 0 waits only for kept Deployments; propagation before routing to what was restored; propagation and drain before removal', () => {
  const production = example.environments.find((e) => e.name === 'production')!;
  const steps = planRollback(production, synthesizeEnvironment(production).phases, 3);
  const names = (refs: readonly { kind: string; name: string }[] | undefined) => (refs ?? []).map((r) => `${r.kind}/${r.name}`);
  expect(names(steps[0].gates.rollout?.deployments)).toEqual(['Deployment/barista-v1']); // not coffee-shop-v2
  expect(names(steps[1].gates.rollout?.deployments)).toEqual(['Deployment/coffee-shop-v1']);
  expect(names(steps[1].gates.propagation?.objects)).toEqual(['DestinationRule/coffee-shop']);
  expect(names(steps[2].gates.propagation?.objects)).toEqual(['VirtualService/coffee-shop', 'VirtualService/coffee-shop-gateway']);
  expect(steps[2].gates.drain).toEqual({ seconds: 30 });
  expect(steps.some((step) => step.gates.observe)).toBe(false);
});

test('a rollback state that is not the forward state it maps to is a planner bug, not a plan', () => {
  const production = example.environments.find((e) => e.name === 'production')!;
  const phases = synthesizeEnvironment(production).phases;
  const [baseline, prepare, , cleanup] = phases;
  // Without its switch phase, restore-old maps to no forward state.
  expect(() => planRollback(production, [baseline, prepare, cleanup], 2)).toThrow('rollback from cleanup: the restore-old state is not the switch phase\'s (a planner bug)');
});

describe('every rollback sequence passes the verifier', () => {
  const files = synthesizeFiles(example);
  const dist = join(mkdtempSync(join(tmpdir(), 'rollback-')), 'dist');
  writeTreeAtomically(dist, files);

  test('no YAML of their own: dist/ holds only the forward phase folders, plan.json lists a rollback per phase after the baseline', () => {
    expect([...files.keys()].filter((f) => f.includes('rollback'))).toEqual([]);
    expect(loadPhases(join(dist, 'production')).rollbacks.map((r) => r.from)).toEqual(['01-prepare', '02-switch', '03-cleanup']);
    expect(loadPhases(join(dist, 'staging')).rollbacks.map((r) => r.from)).toEqual(['01-prepare', '02-canary-10', '03-canary-50', '04-switch', '05-cleanup']);
  });

  test.each(['production', 'staging'])('%s: every rollback from plan.json on disk is verified clean with its steps\' gates', (env) => {
    const loaded = loadPhases(join(dist, env));
    for (const rollback of loaded.rollbacks) {
      expect(rollback.phases[0].objects).toEqual(loaded.phases.find((p) => p.path.endsWith(rollback.from))!.objects);
      expect(rollback.phases[rollback.phases.length - 1].objects).toEqual(loaded.phases[0].objects);
      expect(rollback.phases.every((p) => p.gates !== undefined)).toBe(true);
      expect(verifyPhases(rollback.phases)).toEqual([]);
    }
  });

  test.each(cases)('%s from %s: verified clean in memory (with gates)', (_label, path, env) => {
    const output = synthesizeEnvironment(env);
    expect(() => assertSafe([output])).not.toThrow();
    expect(Object.keys(output.plan.rollbacks!)).toEqual(output.phases.slice(1).map((p) => p.path));
    if (path === output.phases[0].path) expect(output.plan.rollbacks![path]).toBeUndefined();
  });

  test('the verifier catches a rollback that removes the new version while it still carries traffic, and synthesis refuses it', () => {
    const production = example.environments.find((e) => e.name === 'production')!;
    const output = synthesizeEnvironment(production);
    const [reapply, , removeNew] = output.plan.rollbacks!['02-switch']; // skip revert-traffic
    const unsafe = { ...output, plan: { ...output.plan, rollbacks: { '02-switch': [reapply, removeNew] } } };
    expect(() => assertSafe([unsafe])).toThrow(UnsafePlanError);
    expect(() => assertSafe([unsafe])).toThrow(/production rollback from 02-switch 02-switch -> 00-baseline: transition\/removed-while-routed/);
  });

  test('the verifier catches a rollback whose removal step lacks the drain before it', () => {
    const production = example.environments.find((e) => e.name === 'production')!;
    const output = synthesizeEnvironment(production);
    const steps = output.plan.rollbacks!['02-switch'].map((step) => ({ ...step, gates: without(step.gates, 'drain') }));
    const unsafe = { ...output, plan: { ...output.plan, rollbacks: { '02-switch': steps } } };
    expect(() => assertSafe([unsafe])).toThrow(/transition\/removal-without-gates/);
  });
});
