/**
 * `npm run fuzz [-- --runs N] [--scale S] [--seed X]`: the matrix fuzzer of test/robustness at a larger
 * count (default 100,000) and size scale (default 2), each bad input loaded in process and synthesized
 * into an output folder the way `phased-rollout synth` does. Prints `N inputs, C crashes, P partial outputs`
 * and exits 1 when C or P is not 0. A crash is anything but a MatrixError naming the file and the field
 * within the time bound; a partial output is an output folder that changed or a temporary folder left.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { exampleMatrix } from '../src/example/matrix';
import { validateMatrix } from '../src/matrix';
import { synthesize } from '../src/synth';
import { stagingLeftovers } from '../src/synth/output';
import { badInput, crashOf } from '../test/robustness/bad-inputs';

const { values } = parseArgs({ options: { runs: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' } } });
const runs = Number(values.runs ?? 100_000);
const scale = Number(values.scale ?? 2);
const seed = Number(values.seed ?? Date.now() % 2 ** 31);
const CHUNK = 1000;

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
const out = join(dir, 'dist');
synthesize(validateMatrix(exampleMatrix), out);
// A synthesis replaces the folder (a new inode) and leaves temporary folders only when interrupted.
let outIdentity = statSync(out).ino;
const partialOutput = () => statSync(out, { throwIfNoEntry: false })?.ino !== outIdentity ||
  stagingLeftovers(out).length > 0;

process.stderr.write(`fuzzing ${runs} inputs (seed ${seed}, scale ${scale})\n`);
let crashes = 0;
let peakRss = 0;
let partial = 0;
const started = Date.now();
for (let done = 0; done < runs; done += CHUNK) {
  const inputs = fc.sample(badInput(scale), { numRuns: Math.min(CHUNK, runs - done), seed: seed + done });
  inputs.forEach((input, i) => {
    const crash = crashOf(input, dir, done + i, out);
    if (crash) {
      crashes++;
      if (crashes <= 20) process.stderr.write(`crash: ${input.category} (${input.channel}): ${crash}\n`);
    }
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (partialOutput()) {
      partial++;
      synthesize(validateMatrix(exampleMatrix), out);
      outIdentity = statSync(out).ino;
    }
  });
  if (process.stderr.isTTY) process.stderr.write(`\r${done + inputs.length} inputs (${Math.round((Date.now() - started) / 1000)} s)`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
process.stdout.write(`${runs} inputs, ${crashes} crashes, ${partial} partial outputs ` +
  `(${Math.round((Date.now() - started) / 1000)} s, peak memory ${Math.round(peakRss / 2 ** 20)} MiB)\n`);
process.exitCode = crashes + partial === 0 ? 0 : 1;
