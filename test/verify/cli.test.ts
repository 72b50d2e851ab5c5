/** `phased-rollout verify DIR [-o json]`: exit codes, output shapes, and messages for unusable input. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_PLAN_NOTE, run } from '../../src/cli/commands/verify';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { synthesizeFiles } from '../../src/synth';
import { writeTreeAtomically } from '../../src/synth/output';
import { captureStdout, runLikeMain } from '../command';

// The module object itself (a default import of a CommonJS module is not a copy), so that a spy on it is what the loader calls.
import fs from 'node:fs';
import { planPhases, releasePlan, writeEnvironment } from './fixtures';

const plan = releasePlan([{ name: 'coffee', from: 'v1', to: 'v2', strategy: 'canary', gateway: true }], [10]);
let root: string;
const stdout = captureStdout();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'verify-cli-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const verify = (...argv: string[]) => runLikeMain(run, argv);

test('a safe environment with plan.json: exit 0 and a summary line', async () => {
  const dir = join(root, 'production');
  writeEnvironment(dir, 'production', 'shop', planPhases('shop', plan, true), true);
  expect(await verify(dir)).toEqual({ code: 0 });
  expect(stdout()).toBe('production: 5 phases, 4 transitions, 0 findings\n');
});

test('a hand-written folder without plan.json is accepted and named after the folder', async () => {
  const dir = join(root, 'staging');
  writeEnvironment(dir, 'ignored', 'shop', planPhases('shop', plan, false), false);
  expect(await verify(dir)).toEqual({ code: 0 });
  // The verdict says what it did not cover: without plan.json there are no gates to check.
  expect(stdout()).toBe(`staging: 5 phases, 4 transitions, 0 findings\n${NO_PLAN_NOTE}\n`);
  expect(NO_PLAN_NOTE).toMatch(/^no plan\.json: the gate rules .* were not checked/);
});

test('an unsafe environment: exit 1, one block per finding, text and JSON', async () => {
  const dir = join(root, 'production');
  writeEnvironment(dir, 'production', 'shop', planPhases('shop', plan, false, [0, 3, 4]), false);
  expect(await verify(dir)).toEqual({ code: 1 });
  expect(stdout()).toContain('00-baseline -> 01-switch: transition/new-deployment-routed\n  object:  Deployment shop/coffee-v2\n  problem: ');
  expect(stdout()).toMatch(/\n {2}fix: {5}split this phase: create Deployment shop\/coffee-v2 without traffic first/);
  expect(stdout()).toMatch(/\nproduction: 3 phases, 2 transitions, \d+ findings\n$/);

  stdout.reset();
  expect(await verify(dir, '-o', 'json')).toEqual({ code: 1 });
  const report = JSON.parse(stdout());
  expect(Object.keys(report)).toEqual(['environment', 'phases', 'transitions', 'findings']);
  expect(report).toMatchObject({ environment: 'production', phases: 3, transitions: 2 });
  expect(report.findings).toContainEqual({
    rule: 'transition/new-deployment-routed',
    phase: '01-switch',
    transition: '00-baseline -> 01-switch',
    object: 'Deployment shop/coffee-v2',
    message: expect.stringContaining('is created in this phase'),
    fix: expect.stringContaining('split this phase'),
  });
});

describe('unusable input: exit 2 with a clear message', () => {
  test('a folder without phase sub-folders', async () => {
    expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/no phase folders \(expected sub-folders named NN-name/) });
  });

  test('a missing folder', async () => {
    expect(await verify(join(root, 'nope'))).toEqual({ code: 2, error: expect.stringContaining('no such directory') });
  });

  test('unparsable YAML', async () => {
    mkdirSync(join(root, '00-baseline'));
    writeFileSync(join(root, '00-baseline', 'bad.yaml'), 'kind: [unclosed\n');
    expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/00-baseline\/bad\.yaml:\d+: invalid YAML: /) });
  });

  test.each(['', '01-prepare'])('a folder that cannot be listed (%s) is unusable input naming it, not an internal error', async (sub) => {
    writeEnvironment(root, 'production', 'shop', planPhases('shop', plan, true), true);
    // Permission bits do not stop root, which runs these tests in CI: a failing listing stands in for them.
    const locked = join(root, sub);
    const realReaddir = fs.readdirSync;
    const denied = jest.spyOn(fs, 'readdirSync').mockImplementation(((path: string, ...rest: unknown[]) => {
      if (path === locked) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
      return (realReaddir as (...args: unknown[]) => unknown)(path, ...rest);
    }) as never);
    try {
      expect(await verify(root)).toEqual({ code: 2, error: `${locked}: cannot read: EACCES` });
    } finally {
      denied.mockRestore();
    }
  });

  test('plan.json that is a FIFO is refused without being opened (opening it would block)', async () => {
    writeEnvironment(root, 'production', 'shop', planPhases('shop', plan, true), true);
    rmSync(join(root, 'plan.json'));
    execFileSync('mkfifo', [join(root, 'plan.json')]);
    expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/plan\.json: not a regular file$/) });
  });

  test('plan.json listing other phases than the folders', async () => {
    writeEnvironment(root, 'production', 'shop', planPhases('shop', plan, true), true);
    rmSync(join(root, '02-canary-10'), { recursive: true });
    expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/plan\.json is inconsistent with the phase folders: plan lists \[00-baseline/) });
  });

  test('a phase folder whose contents changed after plan.json was written', async () => {
    writeEnvironment(root, 'production', 'shop', planPhases('shop', plan, true), true);
    writeFileSync(join(root, '01-prepare', 'resources.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
    expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/plan\.json is inconsistent with the phase folders: 01-prepare drops Deployment shop\/coffee-v1, which its removes do not list$/) });
  });

  // plan.json as written by hand: the same removals in another order are consistent; anything else is named.
  describe('plan.json against the folders', () => {
    const editPlan = (edit: (planFile: any) => void) => {
      const file = join(root, 'plan.json');
      const planFile = JSON.parse(readFileSync(file, 'utf8'));
      edit(planFile);
      writeFileSync(file, JSON.stringify(planFile));
    };
    beforeEach(() => writeEnvironment(root, 'production', 'shop', planPhases('shop', plan, true), true));

    test('the same removals listed in another order', async () => {
      editPlan((planFile) => planFile.phases.forEach((phase: any) => { phase.removes.reverse(); }));
      expect(await verify(root)).toEqual({ code: 0 });
    });

    test('a folder holding an object that the next phase drops without listing it in its removes', async () => {
      writeFileSync(join(root, '01-prepare', 'extra.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: extra\n  namespace: shop\n');
      expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/02-canary-10 drops ServiceAccount shop\/extra, which its removes do not list$/) });
    });

    test('a removal listed that the folders do not drop', async () => {
      editPlan((planFile) => { planFile.phases[2].removes = [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'coffee-v1' }]; });
      expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/02-canary-10 removes objects the previous phase does not hold or this one keeps$/) });
    });

    test('a phase dropping an object its removes do not list', async () => {
      editPlan((planFile) => { planFile.phases.at(-1).removes = []; });
      expect(await verify(root)).toEqual({ code: 2, error: expect.stringMatching(/04-cleanup drops \w+ shop\/coffee-v1, which its removes do not list$/) });
    });
  });

  // A mistyped field would otherwise read as absent: the plan would pass as safe although the API server rejects it.
  test.each([
    ['hosts that are not a list', 'VirtualService', (o: any) => { o.spec.hosts = 5; }, 'VirtualService shop/coffee: spec.hosts: expected a list, not 5'],
    ['a weight written as a string', 'VirtualService', (o: any) => { o.spec.http[0].route[0].weight = '100'; },
      'VirtualService shop/coffee: spec.http[0].route[0].weight: expected a number, not "100"'],
    ['a subset label that is a number', 'DestinationRule', (o: any) => { o.spec.subsets[0].labels.version = 1; },
      'DestinationRule shop/coffee: spec.subsets[0].labels.version: expected a string, not 1'],
    ['a Service selector that is a list', 'Service', (o: any) => { o.spec.selector = ['app']; }, 'Service shop/coffee: spec.selector: expected a map of strings, not a list'],
    ['pod labels that are a string', 'Deployment', (o: any) => { o.spec.template.metadata.labels = 'app=coffee'; },
      'Deployment shop/coffee-v1: spec.template.metadata.labels: expected a map of strings, not "app=coffee"'],
  ])('%s: exit 2 naming the file, the object and the field', async (_name, kind, mutate, message) => {
    const phases = planPhases('shop', plan, true);
    const objects = phases[0].objects.map((o) => JSON.parse(JSON.stringify(o)));
    mutate(objects.find((o) => o.kind === kind));
    writeEnvironment(root, 'production', 'shop', [{ ...phases[0], objects }, ...phases.slice(1)], true);
    expect(await verify(root)).toEqual({ code: 2, error: `00-baseline/resources.yaml: ${message}` });
  });

  test('usage errors', async () => {
    expect(await verify()).toEqual({ code: 2, error: 'expected one environment folder, e.g. dist/production' });
    expect(await verify(root, '-o', 'yaml')).toEqual({ code: 2, error: '-o must be text or json, not "yaml"' });
  });
});

test('the rollbacks of plan.json are verified too: a finding names the rollback it is in', async () => {
  const out = join(root, 'dist');
  writeTreeAtomically(out, synthesizeFiles(validateMatrix(exampleMatrix)));
  const planFile = join(out, 'production', 'plan.json');
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const revert = plan.rollbacks['02-switch'].find((step: { name: string }) => step.name === 'revert-traffic');
  delete revert.gates.drain; // remove-new then deletes v2 right after traffic leaves it
  writeFileSync(planFile, JSON.stringify(plan));
  expect(await verify(join(out, 'production'))).toEqual({ code: 1 });
  expect(stdout()).toMatch(/^rollback from 02-switch: 01-prepare -> 00-baseline: transition\/removal-without-gates$/m);
  expect(stdout()).toMatch(/\nproduction: 4 phases, 3 transitions, 2 findings\n$/);
});
