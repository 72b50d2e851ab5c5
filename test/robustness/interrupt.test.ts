/**
 * A synthesis killed at any moment (SIGKILL) leaves the output folder exactly as before or exactly as the
 * complete new result, never a mix: `phased-rollout synth` is killed at random points, many times, while it
 * writes a large matrix. Between the two renames of the swap the folder can be absent for an instant; the
 * complete new tree then waits beside it and the next synthesis (removeStaleStaging) moves it in.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleMatrix } from '../../src/example/matrix';
import { validateMatrix } from '../../src/matrix';
import { synthesize, synthesizeFiles } from '../../src/synth';
import { removeStaleStaging, stagingLeftovers, StagingRemovedError, writeTreeAtomically } from '../../src/synth/output';
import { readTree } from '../tree';
import { CLI, runCli } from './cli';

// The module object itself (a default import of a CommonJS module is not a copy), so that a spy on it is what src/synth/output.ts calls.
import fs from 'node:fs';

const KILLS = 30;

/** A matrix of `services` services released by canary in `environments` environments: hundreds of files. */
function largeMatrix(services: number, environments: number): unknown {
  const names = Array.from({ length: services }, (_, i) => `svc-${i}`);
  const envs = Array.from({ length: environments }, (_, i) => `env-${i}`);
  return {
    environments: Object.fromEntries(envs.map((env) => [env, { namespace: env, replicas: 2 }])),
    services: Object.fromEntries(names.map((name) => [name,
      { image: `team/${name}`, versions: { v1: 'r1', v2: 'r2' }, port: 8080, readinessPath: '/health', livenessPath: '/' }])),
    releases: Object.fromEntries(envs.map((env) => [env, Object.fromEntries(names.map((name) =>
      [name, { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [10, 50] } }]))])),
  };
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([path, content]) => b.get(path) === content);

describe('killed synthesis', () => {
  const root = mkdtempSync(join(tmpdir(), 'interrupt-'));
  const newMatrixFile = join(root, 'large.json');
  writeFileSync(newMatrixFile, JSON.stringify(largeMatrix(45, 2))); // 6 phase folders of 46 files each per environment: over 500 files
  const oldMatrix = validateMatrix(exampleMatrix);
  const oldTree = synthesizeFiles(oldMatrix);

  /** The state of `out` right after a kill: old, new, or absent with the complete new tree ready beside it. */
  function observe(out: string, newTree: Map<string, string>): string {
    if (existsSync(out)) {
      const tree = readTree(out);
      return same(tree, oldTree) ? 'old' : same(tree, newTree) ? 'new' : `a mix of ${tree.size} files`;
    }
    const ready = stagingLeftovers(out).filter((entry) => entry.endsWith('-ready'));
    return ready.length === 1 && same(readTree(join(dirname(out), ready[0])), newTree) ? 'between renames' : `missing (beside it: ${stagingLeftovers(out).join(', ')})`;
  }

  test(`${KILLS} kills at random moments leave the old or the new tree`, async () => {
    // An uninterrupted run: how long it takes, and how long its temporary folder exists (each environment
    // rendered, verified and written into it in turn, then the swap).
    const reference = join(root, 'reference', 'dist');
    mkdirSync(dirname(reference));
    const started = performance.now();
    const run = runCli(['synth', '--matrix', newMatrixFile, '--out', reference]);
    let writingFrom = Infinity;
    const watch = setInterval(() => { if (stagingLeftovers(reference).length > 0) writingFrom = Math.min(writingFrom, performance.now()); }, 1);
    expect((await run).status).toBe(0);
    clearInterval(watch);
    const fullRun = performance.now() - started;
    const writing = performance.now() - writingFrom;
    const newTree = readTree(reference);
    expect(newTree.size).toBeGreaterThan(500);

    let killedWhileWriting = 0;
    // One kill after another, never side by side: this process's own synchronous work (restoring the old tree,
    // reading trees) would delay another kill's timer past the write window it aims at.
    const out = join(root, 'killed', 'dist');
    for (let kill = 0; kill < KILLS; kill++) {
      if (!existsSync(out) || !same(readTree(out), oldTree)) synthesize(oldMatrix, out);
      const child = spawn(CLI, ['synth', '--matrix', newMatrixFile, '--out', out], { stdio: 'ignore' });
      const exited = new Promise((done) => child.on('close', done));
      // A third of the kills anywhere in the run (or after it), the others while the temporary folder exists (the new
      // tree partly written): within the window the uninterrupted run measured, so that enough kills land mid-write.
      if (kill % 3 === 0) {
        await sleep(Math.random() * fullRun * 1.5);
      } else {
        while (stagingLeftovers(out).length === 0 && child.exitCode === null) await sleep(1);
        await sleep(Math.random() * writing * 0.8);
      }
      if (stagingLeftovers(out).length > 0) killedWhileWriting++;
      child.kill('SIGKILL');
      await exited;
      const state = observe(out, newTree);
      removeStaleStaging(out);
      const recovered = observe(out, newTree);
      expect({ state, recovered }).toEqual({ state: expect.stringMatching(/^(old|new|between renames)$/), recovered: expect.stringMatching(/^(old|new)$/) });
      expect(stagingLeftovers(out)).toEqual([]);
    }
    expect(killedWhileWriting).toBeGreaterThan(KILLS / 4);
  });

  describe('a crash at each step of the swap is recovered', () => {
    const newFiles = new Map([['staging/plan.json', '{}\n'], ['staging/00-baseline/a.k8s.yaml', 'kind: Namespace\n']]);
    // The swap's file operations in order: rename staging -> ready, dist -> old, ready -> dist; remove old.
    test.each([
      ['writing the new tree', 'writeFileSync', 1, 'old'],
      ['marking it complete', 'renameSync', 0, 'old'],
      ['moving the old tree aside', 'renameSync', 1, 'old'],
      ['moving the new tree in', 'renameSync', 2, 'new'],
      ['removing the old tree', 'rmSync', 0, 'new'],
    ] as const)('crash while %s', (_step, operation, failingCall, expected) => {
      const out = join(mkdtempSync(join(tmpdir(), 'swap-')), 'dist');
      writeTreeAtomically(out, oldTree);
      const real = fs[operation] as (...args: unknown[]) => unknown;
      let calls = 0;
      const crash = jest.spyOn(fs, operation).mockImplementation((...args: unknown[]) => {
        if (calls++ === failingCall) throw new Error('killed');
        return real(...args);
      });
      try {
        expect(() => writeTreeAtomically(out, newFiles)).toThrow('killed');
      } finally {
        crash.mockRestore();
      }
      removeStaleStaging(out);
      expect(same(readTree(out), expected === 'old' ? oldTree : newFiles)).toBe(true);
      expect(stagingLeftovers(out)).toEqual([]);
    });

    test('files from an iterable: their count is returned; one that throws part-way leaves the folder as it was', () => {
      const out = join(mkdtempSync(join(tmpdir(), 'swap-')), 'dist');
      expect(writeTreeAtomically(out, oldTree)).toBe(oldTree.size);
      function* failing(): Generator<[string, string]> {
        yield ['staging/plan.json', '{}\n'];
        throw new Error('unsafe');
      }
      expect(() => writeTreeAtomically(out, failing())).toThrow('unsafe');
      expect(same(readTree(out), oldTree)).toBe(true);
      expect(stagingLeftovers(out)).toEqual([]);
    });

    test('a temporary folder removed while written (another synthesis starting): an error, not a partial tree', () => {
      const out = join(mkdtempSync(join(tmpdir(), 'swap-')), 'dist');
      writeTreeAtomically(out, oldTree);
      function* files(): Generator<[string, string]> {
        yield ['production/00-baseline/a.k8s.yaml', 'kind: Namespace\n'];
        removeStaleStaging(out); // what a second synthesis of `out` does first
        yield ['staging/00-baseline/b.k8s.yaml', 'kind: Namespace\n'];
      }
      expect(() => writeTreeAtomically(out, files())).toThrow(StagingRemovedError);
      expect(same(readTree(out), oldTree)).toBe(true);
      expect(stagingLeftovers(out)).toEqual([]);
    });

    test('an absent output folder with nothing ready stays absent (nothing to restore)', () => {
      const out = join(mkdtempSync(join(tmpdir(), 'swap-')), 'dist');
      mkdirSync(`${dirname(out)}/.dist.synth-abc123`);
      removeStaleStaging(out);
      expect(existsSync(out)).toBe(false);
      expect(stagingLeftovers(out)).toEqual([]);
    });

    test('a previous tree moved aside is moved back when no new tree is ready', () => {
      const out = join(mkdtempSync(join(tmpdir(), 'swap-')), 'dist');
      writeTreeAtomically(out, oldTree);
      renameSync(out, `${dirname(out)}/.dist.synth-abc123-old`);
      removeStaleStaging(out);
      expect(same(readTree(out), oldTree)).toBe(true);
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
