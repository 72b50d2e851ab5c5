/**
 * A release cannot be lost: synthesizing a changed plan while another one is in flight keeps the plan in
 * flight (dist/<env>/.plans/<identity>/) and warns; apply and apply.sh refuse the new plan, naming the plan in
 * flight and how to roll it back; that rollback runs from the kept folder. The cluster is the stand-in of
 * test/apply/stand-in.ts (it stores the resume record the executors write).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { MatrixSpec } from '../../src/matrix/types';
import { synthesize } from '../../src/synth';
import { executorCommands, StandInCluster } from './stand-in';

/** The example with production's drain changed: another plan of the same release. */
const changed: MatrixSpec = {
  ...exampleMatrix,
  releases: {
    ...exampleMatrix.releases,
    production: { ...exampleMatrix.releases.production, 'coffee-shop': { from: 'v1', to: 'v2', gates: { drainSeconds: 45 } } },
  },
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'replaced-plan-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function synth(out: string, spec: MatrixSpec): string[] {
  const warnings: string[] = [];
  synthesize(validateMatrix(spec), out, {}, (message) => warnings.push(message));
  return warnings;
}

function run(cluster: StandInCluster, command: readonly string[]) {
  const [program, ...args] = command;
  return spawnSync(program, args, { env: cluster.env({}), encoding: 'utf8' });
}

test.each(['phased-rollout apply', 'apply.sh'])('%s: a release in flight survives a synthesis of another plan, and can be rolled back', (executor) => {
  const out = join(root, 'dist');
  expect(synth(out, exampleMatrix)).toEqual([]);
  const production = join(out, 'production');
  const cluster = new StandInCluster();
  // The release stops after 01-prepare: in flight.
  const first = run(cluster, [...executorCommands(production)[executor], '--to', '01-prepare']);
  expect(first.status).toBe(0);
  const inFlight = cluster.record()!.plan;
  expect(cluster.record()).toEqual(expect.objectContaining({ completed: '01-prepare', finished: 'false' }));

  const warnings = synth(out, changed);
  const kept = join(production, '.plans', inFlight);
  expect(warnings).toEqual([expect.stringContaining(`${production} held another plan (${inFlight}), now kept in ${kept}`)]);
  expect(warnings[0]).toContain('Synthesis cannot see the cluster');
  expect(readdirSync(kept).sort()).toEqual(['00-baseline', '01-prepare', '02-switch', '03-cleanup', 'PLAN.md', 'apply.sh', 'plan.json']);

  const refused = run(cluster, executorCommands(production)[executor]);
  expect(refused.status).toBe(1);
  const rollbackCommand = executor === 'apply.sh' ? `sh ${kept}/apply.sh --rollback --from 01-prepare` : `phased-rollout rollback ${kept} --from 01-prepare`;
  expect(refused.stderr).toContain(`the cluster record shows another plan (${inFlight}) that stopped after 01-prepare`);
  expect(refused.stderr).toContain(`synthesis kept that plan in ${kept}: roll it back with ${rollbackCommand}`);

  const cli = executorCommands(kept)[executor === 'apply.sh' ? 'apply.sh --rollback' : 'phased-rollout rollback'].map((a) => (a === 'switch' ? '01-prepare' : a));
  const rolledBack = run(cluster, cli);
  expect(rolledBack.stderr).toBe('');
  expect(rolledBack.status).toBe(0);
  expect(cluster.record()).toEqual(expect.objectContaining({ plan: `${inFlight}/rollback/01-prepare`, finished: 'true' }));

  // Rolled back: the new plan applies, and the next synthesis still keeps the old plan beside it (it cannot know).
  expect(run(cluster, executorCommands(production)[executor]).status).toBe(0);
  expect(synth(out, changed)).toEqual([]);
  expect(existsSync(join(kept, 'plan.json'))).toBe(true);
});

test('a service that the previous plan ran and this one does not is named in a warning', () => {
  const out = join(root, 'dist');
  synth(out, exampleMatrix);
  const withoutBarista: MatrixSpec = {
    ...exampleMatrix,
    releases: { ...exampleMatrix.releases, production: { 'coffee-shop': exampleMatrix.releases.production['coffee-shop'] } },
  };
  const warnings = synth(out, withoutBarista);
  expect(warnings).toHaveLength(2);
  expect(warnings[1]).toBe(`barista ran at the end of the plan ${join(out, 'production')} held, and this plan has none of its objects: `
    + 'applying it leaves barista running, unmanaged; to delete it, declare it with retire: true in this environment\'s releases');
});
