/**
 * Several syntheses into one output folder at once (issue 14: two `synth` into the same --out left, in 2 of
 * 60 tries, an environment folder with plan.json but no phase folders while one reported success). Each
 * writer process tags every file with its own id and round, so a tree mixed from two writes, or missing
 * files, is seen: after every round the folder must be exactly one writer's complete tree.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OutputLockedError, outputLockPath, writeTreeAtomically } from '../../src/synth/output';

const WRITERS = 4;
const ROUNDS = 12;
const ENVIRONMENTS = 6;
const PHASES = 5;

/** A writer: ROUNDS trees written with writeTreeAtomically (compiled by `npm test`'s build), reporting each outcome. */
const WRITER = `
const { writeTreeAtomically } = require(${JSON.stringify(resolve('lib/src/synth/output.js'))});
const [out, id, rounds, envs, phases] = process.argv.slice(1);
for (let round = 0; round < Number(rounds); round++) {
  const tag = id + ':' + round;
  function* files() {
    for (let e = 0; e < Number(envs); e++) {
      for (let p = 0; p < Number(phases); p++) for (let f = 0; f < 3; f++) yield ['env' + e + '/0' + p + '-phase/file' + f + '.yaml', tag];
      yield ['env' + e + '/plan.json', tag];
      yield ['env' + e + '/PLAN.md', tag];
    }
  }
  try {
    writeTreeAtomically(out, files());
    process.stdout.write('ok ' + tag + '\\n');
  } catch (error) {
    process.stdout.write('failed ' + tag + ' ' + error.constructor.name + ': ' + error.message.split('\\n')[0] + '\\n');
  }
}
`;

function runWriter(out: string, id: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', WRITER, out, String(id), String(ROUNDS), String(ENVIRONMENTS), String(PHASES)]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => (code === 0 ? done(stdout) : fail(new Error(`writer ${id} exited ${code}: ${stderr}`))));
  });
}

/** Every file below `dir`, relative path -> content. */
function treeOf(dir: string, prefix = ''): Map<string, string> {
  const tree = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix)).sort()) {
    const path = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(join(dir, path)).isDirectory()) for (const [p, c] of treeOf(dir, path)) tree.set(p, c);
    else tree.set(path, readFileSync(join(dir, path), 'utf8'));
  }
  return tree;
}

test('concurrent writes into one output folder never leave a mixed or partial tree, and none is lost silently', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'race-'));
  const out = join(parent, 'dist');
  const outputs = await Promise.all(Array.from({ length: WRITERS }, (_, id) => runWriter(out, id)));
  const lines = outputs.flatMap((text) => text.trim().split('\n'));
  expect(lines).toHaveLength(WRITERS * ROUNDS);
  // Every write either succeeded or waited its turn: none may fail because another one ran.
  expect(lines.filter((line) => !line.startsWith('ok '))).toEqual([]);
  const tree = treeOf(out);
  const expectedFiles = ENVIRONMENTS * (PHASES * 3 + 2);
  expect(tree.size).toBe(expectedFiles);
  const tags = new Set(tree.values());
  expect(tags.size).toBe(1);
  // Nothing is left beside the output folder.
  expect(readdirSync(parent)).toEqual(['dist']);
}, 120000);

describe('the output lock', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'lock-')), 'dist');
  const files = new Map([['production/plan.json', '{}']]);

  test('a lock held by a live synthesis makes another one wait, then fail naming the holder and the lock file', () => {
    const out = fresh();
    // This test process stands in for a synthesis that is still running.
    writeFileSync(outputLockPath(out), `${process.pid} ${hostname()}`);
    const started = Date.now();
    expect(() => writeTreeAtomically(out, files, { waitMs: 300 })).toThrow(OutputLockedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(() => writeTreeAtomically(out, files, { waitMs: 0 })).toThrow(
      `output folder ${out}: another synthesis (process ${process.pid} ${hostname()}) is writing it and held ${outputLockPath(out)} for more than 0s; if no synthesis is running, remove that file`);
    expect(existsSync(out)).toBe(false);
  });

  test('the lock of a killed synthesis is taken over', () => {
    const out = fresh();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(outputLockPath(out), `${dead} ${hostname()}`);
    expect(writeTreeAtomically(out, files, { waitMs: 0 })).toBe(1);
    expect(existsSync(outputLockPath(out))).toBe(false);
  });

  test('the lock is released when the synthesis fails part-way', () => {
    const out = fresh();
    function* failing(): Generator<[string, string]> {
      yield ['production/plan.json', '{}'];
      throw new Error('unsafe');
    }
    expect(() => writeTreeAtomically(out, failing())).toThrow('unsafe');
    expect(existsSync(outputLockPath(out))).toBe(false);
    expect(writeTreeAtomically(out, files, { waitMs: 0 })).toBe(1);
  });
});
