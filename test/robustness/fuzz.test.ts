/**
 * Fuzzing the matrix loader with 10,000 bad inputs per run (in process), and a sample of them through
 * the real `phased-rollout synth` process: each ends in a MatrixError / exit code 1 naming the file and
 * the field, without a stack trace, within a time bound, and leaves the output folder untouched.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { synthesize, synthesizeFiles } from '../../src/synth';
import { readTree } from '../tree';
import { badInput, crashOf, fileContent, fileName, fuzzBase } from './bad-inputs';
import { badFolder } from './bad-phase-folders';
import { forEachParallel, runCli, STACK_LINE } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));

describe('bad matrices in process', () => {
  test('10,000 bad inputs each end in a MatrixError naming the file and the field', () => {
    let index = 0;
    fc.assert(fc.property(badInput(), (input) => {
      const crash = crashOf(input, dir, index++);
      if (crash) throw new Error(`${input.category} (${input.channel}): ${crash}`);
    }), { numRuns: 10_000 });
  });

  test("names of Object.prototype's fields are ordinary names", () => {
    const matrix = fuzzBase();
    matrix.environments = { constructor: { namespace: 'constructor' }, production: matrix.environments.production };
    matrix.services.constructor = { ...matrix.services.barista, versions: { v1: 'c1', prototype: 'c2' } };
    matrix.releases.production.constructor = { from: 'v1', to: 'prototype' };
    delete matrix.releases.staging;
    const files = synthesizeFiles(validateMatrix(matrix));
    expect([...files.keys()]).toContain('constructor/plan.json');
    expect(files.get('production/01-prepare/constructor.k8s.yaml')).toContain('name: constructor-prototype');
  });

  test('a version named constructor is refused (cdk8s takes the construct for a duplicate)', () => {
    const matrix = fuzzBase();
    matrix.services.barista.versions.constructor = 'b3';
    expect(() => validateMatrix(matrix)).toThrow(
      'services.barista.versions.constructor: "constructor" cannot name a version (the cdk8s construct library reserves it; choose another name)');
  });
});

describe('bad matrices through the phased-rollout synth process', () => {
  test('a sample exits 1 naming the file and the field, without a stack trace, and leaves the output folder as it was', async () => {
    const out = join(dir, 'dist');
    synthesize(validateMatrix(exampleMatrix), out);
    const before = readTree(out);
    const sample = fc.sample(badInput().filter((input) => input.channel !== 'ts'), 30);
    await forEachParallel(sample, 3, async (input, index) => {
      const file = join(dir, `cli-${fileName(input, index)}`);
      writeFileSync(file, fileContent(input));
      const { status, stderr } = await runCli(['synth', '--matrix', file, '--out', out]);
      const context = `${input.category}: ${stderr}`;
      expect({ context, status }).toEqual({ context, status: 1 });
      expect(stderr).toContain(`phased-rollout synth: invalid version matrix ${file} (`);
      // The file, the line and column of the field when it is in the file, then the field's path.
      const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (input.expectedPath !== undefined && !stderr.includes(' listed):')) expect(stderr).toMatch(new RegExp(`${literal(file)}(:\\d+:\\d+)?: ${literal(input.expectedPath)}`));
      expect(stderr).not.toMatch(STACK_LINE);
    });
    expect(readTree(out)).toEqual(before);
  });

  test.each([
    ['no --matrix', ['synth', '--out', 'x'], '--matrix FILE is required'],
    ['an unknown option', ['synth', '--matrix', 'm.yaml', '--force'], "Unknown option '--force'"],
    ['--matrix without a value', ['synth', '--matrix'], "Option '--matrix <value>' argument missing"],
    ['an unknown command', ['synthesise'], 'unknown command "synthesise"'],
  ])('unusable usage (%s) exits 2 without a stack trace', async (_name, args, message) => {
    const { status, stderr } = await runCli(args);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(STACK_LINE);
  });
});

describe('unusable environment folders through phased-rollout verify and analyze', () => {
  const example = synthesizeFiles(validateMatrix(exampleMatrix));
  const phases = [...new Set([...example.keys()].filter((path) => /^production\/\d+-/.test(path)).map((path) => path.split('/')[1]))];

  /** A fresh copy of the example's production folder. */
  function environmentFolder(name: string): string {
    const env = join(dir, name, 'production');
    for (const [path, content] of example) {
      if (!path.startsWith('production/')) continue;
      mkdirSync(dirname(join(dir, name, path)), { recursive: true });
      writeFileSync(join(dir, name, path), content);
    }
    return env;
  }

  test('a sample exits 2 naming the file or folder, without a stack trace', async () => {
    const runs = fc.sample(badFolder, 20).flatMap((bad, index) => {
      const env = environmentFolder(`folder-${index}`);
      const named = bad.breakFolder(env, phases);
      return bad.commands.map((command) => ({ command, env, named, category: bad.category }));
    });
    // analyze reads one state: the phase folders of the environment, as one (it refuses the environment folder itself).
    const inputs = (command: string, env: string) => (command === 'analyze' && existsSync(join(env, 'plan.json'))
      ? readdirSync(env).filter((entry) => /^\d\d-/.test(entry)).map((entry) => join(env, entry))
      : [env]);
    await forEachParallel(runs, 3, async ({ command, env, named, category }) => {
      const { status, stderr } = await runCli([command, ...inputs(command, env)]);
      const context = `${command} ${category}: ${stderr}`;
      expect({ context, status }).toEqual({ context, status: 2 });
      expect({ context, named: stderr.includes(named) }).toEqual({ context, named: true });
      expect(stderr).not.toMatch(STACK_LINE);
      expect(stderr).not.toContain('internal error');
    });
  });

  test('verify: a plan.json phase that is null exits 2 naming plan.json', async () => {
    const env = environmentFolder('null-phase');
    writeFileSync(join(env, 'plan.json'), '{"formatVersion": 2, "environment": "production", "namespace": "shop", "phases": [null, null, null, null]}');
    const { status, stderr } = await runCli(['verify', env]);
    expect({ status, stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/plan\.json:\d+:\d+: not a plan file: phases\[0\]: expected an object/) });
  });
});
