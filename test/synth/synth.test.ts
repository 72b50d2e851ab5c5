import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { synthApp } from '../../src/app';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { PlanFile } from '../../src/plan/plan-file';
import { assertSafe, synthesize, synthesizeEnvironment, synthesizeFiles, UnsafePlanError } from '../../src/synth';
import { stagingLeftovers, writeTreeAtomically } from '../../src/synth/output';
import { InputError } from '../../src/manifest';
import { EnvironmentRenderer } from '../../src/synth/render';
import { readTree } from '../tree';

// The module object itself (a default import of a CommonJS module is not a copy), so that a spy on it is what src/synth/output.ts calls.
import fs from 'node:fs';
import { baseMatrix } from '../helpers';

const root = resolve(__dirname, '../..');
const cli = join(root, 'bin/phased-rollout');
const temp = () => mkdtempSync(join(tmpdir(), 'synth-'));

describe('synthesis of the example release', () => {
  const files = synthesizeFiles(validateMatrix(exampleMatrix));

  test('the committed dist/ is what the example synthesizes (regenerate with npm run synth)', () => {
    expect(readTree(join(root, 'dist'))).toEqual(files);
  });

  test('layout: dist/<env>/NN-<phase>/ with YAML files only, and plan.json', () => {
    const phaseFolders = [...new Set([...files.keys()].filter((f) => /^[a-z]+\/\d\d-/.test(f)).map((f) => f.split('/').slice(0, 2).join('/')))];
    expect(phaseFolders).toEqual([
      'production/00-baseline', 'production/01-prepare', 'production/02-switch', 'production/03-cleanup',
      'staging/00-baseline', 'staging/01-prepare', 'staging/02-canary-10', 'staging/03-canary-50', 'staging/04-switch', 'staging/05-cleanup',
    ]);
    for (const path of files.keys()) {
      if (/^[a-z]+\/\d\d-/.test(path)) expect(path).toMatch(/^[a-z]+\/\d\d-[a-z0-9-]+\/[a-z0-9-]+\.k8s\.yaml$/);
    }
    expect(files.has('production/plan.json')).toBe(true);
    expect(files.has('staging/plan.json')).toBe(true);
  });

  test('plan.json lists phases in order with removes and gates, not their objects (the folders hold them)', () => {
    const plan: PlanFile = JSON.parse(files.get('staging/plan.json')!);
    expect(plan.phases.map((p) => [p.index, p.name, p.path])).toEqual([
      [0, 'baseline', '00-baseline'], [1, 'prepare', '01-prepare'], [2, 'canary-10', '02-canary-10'],
      [3, 'canary-50', '03-canary-50'], [4, 'switch', '04-switch'], [5, 'cleanup', '05-cleanup'],
    ]);
    expect(plan.releases).toEqual([
      { service: 'coffee-shop', from: 'v2', to: 'v3', strategy: { type: 'canary', steps: [10, 50] } },
      { service: 'barista', from: 'v1', to: 'v2', strategy: { type: 'blueGreen' } },
    ]);
    const names = (refs: readonly { kind: string; name: string }[] | undefined) => (refs ?? []).map((r) => `${r.kind}/${r.name}`);
    const [, prepare, canary10, , switchPhase, cleanup] = plan.phases;
    expect(names(prepare.gates.rollout?.deployments)).toEqual(['Deployment/barista-v2', 'Deployment/coffee-shop-v3']);
    expect(names(prepare.gates.propagation?.objects)).toEqual(['DestinationRule/barista', 'DestinationRule/coffee-shop']);
    expect(prepare.gates.drain).toBeUndefined();
    expect(names(canary10.gates.propagation?.objects)).toEqual(['VirtualService/coffee-shop']);
    expect(canary10.gates.observe).toEqual({ seconds: 60 });
    expect(switchPhase.gates.drain).toEqual({ seconds: 30 });
    expect(names(switchPhase.gates.propagation?.objects)).toEqual(['VirtualService/barista', 'VirtualService/coffee-shop']);
    expect(cleanup.removes).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'staging', name: 'barista-v1' },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'staging', name: 'barista-v1' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'staging', name: 'coffee-shop-v2' },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: 'staging', name: 'coffee-shop-v2' },
    ]);
    for (const phase of plan.phases.slice(0, -1)) expect(phase.removes).toEqual([]);
    expect(plan.formatVersion).toBe(2);
    for (const phase of plan.phases) expect(Object.keys(phase)).toEqual(['index', 'name', 'path', 'removes', 'gates']);
  });

  test('gate durations are the largest of the environment\'s releases, even below the defaults', () => {
    const spec = baseMatrix();
    spec.releases.production['coffee-shop'].gates = { propagationSeconds: 1, drainSeconds: 10, rolloutTimeoutSeconds: 60 };
    const gatesOf = (matrix: unknown) => JSON.parse(synthesizeFiles(validateMatrix(matrix)).get('production/plan.json')!).phases
      .map((p: PlanFile['phases'][number]) => p.gates);
    const [, prepare, switchPhase] = gatesOf(spec);
    expect(prepare.rollout.timeoutSeconds).toBe(60);
    expect(prepare.propagation.seconds).toBe(1);
    expect(switchPhase.drain).toEqual({ seconds: 10 });
    // A second release with the defaults (30 s drain, 600 s rollout): the phases wait for the longer of the two.
    spec.releases.production.barista = { from: 'v1', to: 'v2' };
    const [, prepareBoth, switchBoth] = gatesOf(spec);
    expect(prepareBoth.rollout.timeoutSeconds).toBe(600);
    expect(prepareBoth.propagation.seconds).toBe(5);
    expect(switchBoth.drain).toEqual({ seconds: 30 });
  });

  test('the same input gives byte-identical output', () => {
    const [a, b] = [temp(), temp()];
    synthesize(validateMatrix(exampleMatrix), a);
    synthesize(validateMatrix(JSON.parse(JSON.stringify(exampleMatrix))), b);
    expect(readTree(b)).toEqual(readTree(a));
    expect(readTree(a).size).toBe(files.size);
  });

  test('npx cdk8s synth and phased-rollout synth produce the same dist/ (real cdk8s CLI)', () => {
    const [viaCdk8s, viaCli] = [join(temp(), 'dist'), join(temp(), 'dist')];
    execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', viaCdk8s], { cwd: root, stdio: 'pipe' });
    const cliRun = spawnSync(cli, ['synth', '--matrix', join(root, 'examples/coffee-shop.yaml'), '--out', viaCli], { encoding: 'utf8' });
    expect({ status: cliRun.status, stderr: cliRun.stderr }).toEqual({ status: 0, stderr: `wrote ${files.size} files for 2 environments to ${viaCli}\n` });
    expect(readTree(viaCdk8s)).toEqual(files);
    expect(readTree(viaCli)).toEqual(files);
  });
});

describe('failed synthesis', () => {
  test('phased-rollout synth with an invalid matrix exits 1, prints every problem and leaves dist/ exactly as it was', () => {
    const out = join(temp(), 'dist');
    synthesize(validateMatrix(exampleMatrix), out);
    const before = readTree(out);
    const spec = baseMatrix();
    spec.releases.production['coffee-shop'].to = 'v3';
    spec.services.barista.port = 0;
    const matrixFile = join(temp(), 'bad.json');
    writeFileSync(matrixFile, JSON.stringify(spec));
    const result = spawnSync(cli, ['synth', '--matrix', matrixFile, '--out', out], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    // Each problem after the file and the line and column of its field (the JSON is on one line).
    expect(result.stderr).toMatch(new RegExp(`${matrixFile}:1:\\d+: releases\\.production\\.coffee-shop\\.to: "v3" is not a declared version of coffee-shop \\(v1, v2\\)`));
    expect(result.stderr).toMatch(new RegExp(`${matrixFile}:1:\\d+: services\\.barista\\.port: 0 is not an integer from 1 to 65535`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readTree(out)).toEqual(before);
  });

  test('usage errors exit 2', () => {
    const result = spawnSync(cli, ['synth', '--bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  test('the cdk8s app writes nothing and exits 1 on an invalid matrix', () => {
    const out = join(temp(), 'dist');
    mkdirSync(out);
    const spec = baseMatrix();
    spec.releases.production.barista = { version: 'v7' };
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(synthApp(spec, out)).toBe(1);
      expect(String(stderr.mock.calls[0][0])).toContain('releases.production.barista.version: "v7" is not a declared version of barista (v1, v2)');
    } finally {
      stderr.mockRestore();
    }
    expect(readTree(out).size).toBe(0);
  });
});

describe('the output folder', () => {
  // Synthesis replaces the folder whole: a mistyped --out must not delete what is there.
  test.each([
    ['the current folder', '.', 'it would replace the current folder or one above it'],
    ['an empty name (the current folder)', '', 'it would replace the current folder or one above it'],
    ['a folder above', '..', 'it would replace the current folder or one above it'],
    ['a file', 'keep.txt', 'it, or a folder above it, is a file'],
    ['a folder below a file', 'keep.txt/dist', 'it, or a folder above it, is a file'],
    ['a folder holding something synthesis did not write', 'docs', 'holds README.md, which synthesis did not write'],
  ])('%s is refused (exit 2) and left as it was', (_name, out, message) => {
    const cwd = temp();
    writeFileSync(join(cwd, 'keep.txt'), 'keep\n');
    mkdirSync(join(cwd, 'docs'));
    writeFileSync(join(cwd, 'docs', 'README.md'), '# notes\n');
    const before = readTree(cwd);
    const run = spawnSync(cli, ['synth', '--matrix', join(root, 'examples/coffee-shop.yaml'), '--out', out], { cwd, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: expect.stringContaining(message) });
    expect(readTree(cwd)).toEqual(before);
  });

  test('a folder that cannot be made is an input error naming it (exit 2), not an internal error', () => {
    const file = join(temp(), 'file');
    writeFileSync(file, '');
    expect(() => writeTreeAtomically(join(file, 'dist'), new Map([['a.yaml', '']]))).toThrow(new InputError(`output folder ${join(file, 'dist')}: cannot create it beside ${file}: EEXIST`));
  });

  test('the output folder gets the mode any new folder gets (the umask\'s), not a temporary folder\'s 0700', () => {
    const parent = temp();
    const out = join(parent, 'dist');
    synthesize(validateMatrix(exampleMatrix), out);
    mkdirSync(join(parent, 'probe'));
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(out)).toBe(mode(join(parent, 'probe')));
    expect(mode(join(out, 'production'))).toBe(mode(join(parent, 'probe')));
  });

  test('an earlier output (argocd/ and environment folders with plan.json) is replaced; the plan an environment held is kept beside', () => {
    const out = join(temp(), 'dist');
    synthesize(validateMatrix(baseMatrix()), out, {}, () => undefined);
    const warnings: string[] = [];
    synthesize(validateMatrix(exampleMatrix), out, {}, (message) => warnings.push(message));
    const tree = readTree(out);
    const kept = [...tree.keys()].filter((path) => path.includes('/.plans/'));
    expect(new Map([...tree].filter(([path]) => !kept.includes(path)))).toEqual(synthesizeFiles(validateMatrix(exampleMatrix)));
    // (src/synth/kept-plans.ts: a release of the replaced plan may be in flight.)
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((path) => path.startsWith('production/.plans/files-sha256-'))).toBe(true);
    expect(warnings).toHaveLength(1);
  });
});

describe('synthesis refuses unsafe plans', () => {
  test('a plan without its prepare phase is rejected by the verifier and nothing is written', () => {
    const outputs = validateMatrix(exampleMatrix).environments.map(synthesizeEnvironment);
    expect(() => assertSafe(outputs)).not.toThrow();
    const [production] = outputs;
    // Merge prepare into switch: v2 is created and routed in the same phase.
    const merged = { ...production, phases: production.phases.filter((p) => p.phase.kind !== 'prepare'),
      // Its rollbacks apply the removed prepare folder: left out, this is about the forward phases.
      plan: { ...production.plan, phases: production.plan.phases.filter((p) => p.name !== 'prepare'), rollbacks: {} } };
    let error: unknown;
    try {
      assertSafe([merged, outputs[1]]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsafePlanError);
    const findings = (error as UnsafePlanError).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.environment === 'production')).toBe(true);
    expect(findings.map((f) => f.transition)).toContain('00-baseline -> 02-switch');
    expect(findings.map((f) => f.object)).toContain('VirtualService production/coffee-shop');
    expect((error as Error).message).toMatch(/^refusing to write an unsafe plan/);
  });

  // Environments are written one at a time: production is verified and staged before staging is rendered.
  test('an unsafe environment after a safe one: the output folder stays as it was, and nothing is left beside it', () => {
    const matrix = validateMatrix(exampleMatrix);
    expect(matrix.environments.map((e) => e.name)).toEqual(['production', 'staging']);
    const out = join(temp(), 'dist');
    synthesize(validateMatrix(baseMatrix()), out);
    const before = readTree(out);
    // The planner never writes an unsafe plan: staging's prepare phase loses the Deployment its canary then routes to.
    const render = EnvironmentRenderer.prototype.renderPhase; // eslint-disable-line @typescript-eslint/unbound-method -- called with its renderer below
    const spy = jest.spyOn(EnvironmentRenderer.prototype, 'renderPhase').mockImplementation(function (this: EnvironmentRenderer, phase) {
      const files = render.call(this, phase);
      if ((this as any).environment.name !== 'staging' || phase.kind !== 'prepare') return files;
      return files.map((file) => ({ ...file, objects: file.objects.filter((o) => o.metadata.name !== 'coffee-shop-v3') }));
    });
    const written: string[] = [];
    const realWrite = fs.writeFileSync;
    const writes = jest.spyOn(fs, 'writeFileSync').mockImplementation(((file: string, ...rest: unknown[]) => {
      written.push(String(file));
      return (realWrite as (...args: unknown[]) => void)(file, ...rest);
    }) as never);
    let error: unknown;
    const warnings: string[] = [];
    try {
      synthesize(matrix, out, {}, (message) => warnings.push(message));
    } catch (e) {
      error = e;
    } finally {
      spy.mockRestore();
      writes.mockRestore();
    }
    expect(error).toBeInstanceOf(UnsafePlanError);
    // Nothing replaced, nothing kept: no warning that production's plan was.
    expect(warnings).toEqual([]);
    // production was written (beside `out`) before staging was found unsafe; staging never was.
    expect(written.some((file) => file.includes('/production/'))).toBe(true);
    expect(written.some((file) => file.includes('/staging/'))).toBe(false);
    const environments = new Set((error as UnsafePlanError).findings.map((f) => f.environment.split(' ')[0]));
    expect(environments).toEqual(new Set(['staging']));
    expect(readTree(out)).toEqual(before);
    expect(stagingLeftovers(out)).toEqual([]);
  });
});
