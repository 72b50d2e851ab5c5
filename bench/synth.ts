/**
 * Synthesis benchmark (`npm run bench`, or `npm run bench -- --quick` for a run under a minute).
 *
 * For matrices of growing size (services x 3 environments, half the services released per
 * environment as a canary with 2 steps) it measures side by side, interleaved, in separate Node.js
 * processes running the compiled code, several runs each, median reported:
 *   (a) our synthesis of the phase bundles (`phased-rollout synth`);
 *   (b) a plain cdk8s app that renders each distinct object of (a)'s output once (no phases);
 *   (c) the floor: a Node.js process that only loads cdk8s and cdk8s-plus-27;
 *   (d) `phased-rollout verify` on one environment of (a)'s output;
 *   (e) `phased-rollout analyze` of one phase folder of it (printed only: a quadratic analyzer shows here).
 * Growth is measured the same way: the two largest sizes' synthesis again, interleaved.
 * It prints wall time, peak RSS, CPU time (all threads: more wall for the same CPU means a busy machine) and
 * objects per second, then one line of JSON with the ratios.
 * Options: --quick (smaller sizes), --disk (write to the temporary folder, not to RAM).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { loadManifests } from '../src/manifest';
import { generateMatrix } from './support/matrix-generator';

const root = resolve(__dirname, '..');
const quick = process.argv.includes('--quick');
const SIZES = quick ? [10, 50, 100] : [10, 100, 500, 1000];
const RUNS = 3;
/** The example's runs take a fraction of a second each, where a scheduling hiccup is a large share: more of them. */
const EXAMPLE_RUNS = quick ? 5 : 9;
/**
 * Where (a) and (b) write: a RAM-backed folder when the machine has one (`--disk` for the temporary
 * folder instead). On these shared machines creating 18,000 files on disk took from 0.5 s to 8 s from
 * one run to the next, which measures the neighbours' disk use rather than synthesis.
 */
const RAM_FOLDER = '/dev/shm';
const onDisk = process.argv.includes('--disk') || !isWritableFolder(RAM_FOLDER);
const work = mkdtempSync(join(onDisk ? tmpdir() : RAM_FOLDER, 'phased-rollout-bench-'));

function isWritableFolder(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Preloaded into every measured process: reports its peak RSS and the CPU time of all its threads on exit.
 * CPU time beside wall time tells a slow run on a busy machine (same CPU, more wall) from more work.
 */
const rssProbe = join(work, 'peak-rss.js');
writeFileSync(rssProbe, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nBENCH_PEAK_RSS_KB=' + u.maxRSS + ' BENCH_CPU_US=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n");

/**
 * (b): a plain cdk8s app, written here: each distinct object once, as an ApiObject in one chart per
 * namespace and app (as a hand-written app would group them), each chart rendered with cdk8s
 * (`toJson`, `Yaml.stringify`) into its own file. One `App` per chart: a single App holding thousands
 * of charts makes cdk8s's `app.synth()` superlinear (measured: 17.6 s instead of 3.1 s for the
 * 13,000 distinct objects at 500 services), which would flatter (a).
 */
const PLAIN_APP = `
const { App, Chart, ApiObject, Yaml } = require('cdk8s');
require('cdk8s-plus-27');
const fs = require('fs');
const path = require('path');
const objects = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
const outdir = process.argv[2];
fs.mkdirSync(outdir, { recursive: true });
const groups = new Map();
for (const o of objects) {
  const group = (o.metadata.namespace || 'cluster') + '-' + ((o.metadata.labels || {}).app || 'environment');
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group).push(o);
}
for (const [group, members] of groups) {
  const chart = new Chart(new App(), group);
  members.forEach((o, i) => new ApiObject(chart, 'o' + i, o));
  fs.writeFileSync(path.join(outdir, group + '.k8s.yaml'), Yaml.stringify(...chart.toJson()));
}
`;
/** (c): the floor. */
const FLOOR = "require('cdk8s'); require('cdk8s-plus-27');";

interface Sample {
  /** Wall time. */
  ms: number;
  /** Peak RSS of the largest measured process. */
  rssKiB: number;
  /** CPU time (user + system, every thread) of the measured processes. */
  cpuMs: number;
}

function measure(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Sample {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env, NODE_OPTIONS: `--require ${rssProbe}` },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  const rss = [...result.stderr.matchAll(/BENCH_PEAK_RSS_KB=(\d+)/g)].map((m) => Number(m[1]));
  const cpuMs = [...result.stderr.matchAll(/BENCH_CPU_US=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]) / 1000, 0);
  return { ms, rssKiB: Math.max(0, ...rss), cpuMs };
}

function median(samples: Sample[]): Sample {
  const byTime = [...samples].sort((a, b) => a.ms - b.ms);
  const { ms, cpuMs } = byTime[Math.floor(byTime.length / 2)];
  return { ms, rssKiB: Math.max(...samples.map((s) => s.rssKiB)), cpuMs };
}

/** Runs each measurement `runs` times, interleaved (a, b, c, ... a, b, c, ...), and returns the medians. */
function interleaved(measurements: Record<string, () => Sample>, runs = RUNS): Record<string, Sample> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(measurements).map((k) => [k, []]));
  for (let run = 0; run < runs; run++) for (const [name, run1] of Object.entries(measurements)) samples[name].push(run1());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** Every object under `dir` (read like `verify` reads phase folders), and the distinct ones (by content). */
function documentsOf(dir: string): { total: number; distinct: unknown[] } {
  const objects = loadManifests([dir]);
  return { total: objects.length, distinct: [...new Map(objects.map((o) => [JSON.stringify(o), o])).values()] };
}

const cli = join(root, 'bin/phased-rollout');
const row = (label: string, s: Sample, objects?: number) =>
  `  ${label.padEnd(34)} ${s.ms.toFixed(0).padStart(7)} ms  ${(s.rssKiB / 1024).toFixed(0).padStart(5)} MiB  ${s.cpuMs.toFixed(0).padStart(6)} ms CPU` +
  (objects ? `  ${Math.round(objects / (s.ms / 1000)).toString().padStart(8)} objects/s` : '');

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`runs per measurement: ${RUNS} (median), interleaved; output written to ${work} (${onDisk ? 'disk' : 'RAM-backed'})\n`);

/** (a) for the matrix of `services` services, in its own folder. */
const synthOf = (services: number) => () => {
  const dir = join(work, `n${services}`);
  return measure('node', [cli, 'synth', '--matrix', join(dir, 'matrix.json'), '--out', join(dir, 'dist')]);
};

const results: Record<number, Record<string, Sample>> = {};
try {
  for (const services of SIZES) {
    const dir = join(work, `n${services}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'matrix.json'), JSON.stringify(generateMatrix(services)));
    const out = join(dir, 'dist');
    synthOf(services)();
    const { total, distinct } = documentsOf(out);
    const distinctFile = join(dir, 'distinct.json');
    writeFileSync(distinctFile, JSON.stringify(distinct));
    const r = interleaved({
      synth: synthOf(services),
      distinct: () => {
        rmSync(join(dir, 'plain'), { recursive: true, force: true });
        return measure('node', ['-e', PLAIN_APP, distinctFile, join(dir, 'plain')]);
      },
      floor: () => measure('node', ['-e', FLOOR]),
      verify: () => measure('node', [cli, 'verify', join(out, 'production')]),
      analyze: () => measure('node', [cli, 'analyze', join(out, 'production', '01-prepare')]),
    });
    results[services] = r;
    console.log(`${services} services x 3 environments: ${total} objects in the phase bundles, ${distinct.length} distinct`);
    console.log(row('(a) phased-rollout synth', r.synth, total));
    console.log(row('(b) plain cdk8s, distinct objects', r.distinct, distinct.length));
    console.log(row('(c) floor: load cdk8s + plus-27', r.floor));
    console.log(row('(d) verify one environment', r.verify, Math.round(total / 3)));
    console.log(row('(e) analyze one phase folder', r.analyze));
    console.log(`  a/b = ${(r.synth.ms / r.distinct.ms).toFixed(2)}\n`);
    // The two largest matrices stay for the growth measurement.
    if (services < SIZES[SIZES.length - 2]) rmSync(dir, { recursive: true, force: true });
  }

  // Growth side by side: synthesis of the two largest matrices, interleaved, rather than minutes apart.
  const [half, largest] = SIZES.slice(-2);
  const growth = interleaved({ half: synthOf(half), largest: synthOf(largest) });
  console.log(`growth: ${largest} services ${growth.largest.ms.toFixed(0)} ms, ${half} services ${growth.half.ms.toFixed(0)} ms (interleaved)\n`);

  // The example: our app vs the floor, and the cdk8s CLI on it vs on an empty app.
  const emptyApp = join(work, 'empty-app');
  mkdirSync(emptyApp);
  symlinkSync(join(root, 'node_modules'), join(emptyApp, 'node_modules'));
  writeFileSync(join(emptyApp, 'cdk8s.yaml'), `language: typescript\napp: node -e "new (require('cdk8s').App)().synth()"\n`);
  const example = interleaved({
    example: () => measure('node', [join(root, 'lib/src/main.js')], { env: { CDK8S_OUTDIR: join(work, 'example') } }),
    floor: () => measure('node', ['-e', FLOOR]),
    cli: () => measure('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', join(work, 'cli')]),
    cliFloor: () => measure('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', join(work, 'cli-empty')], { cwd: emptyApp }),
  }, EXAMPLE_RUNS);
  console.log('the example release:');
  console.log(row('our app (node lib/src/main.js)', example.example));
  console.log(row('floor', example.floor));
  console.log(row('npx cdk8s synth (example)', example.cli));
  console.log(row('npx cdk8s synth (empty app)', example.cliFloor));

  const summary = {
    synthVsDistinct: round(results[largest].synth.ms / results[largest].distinct.ms),
    exampleVsFloor: round(example.example.ms / example.floor.ms),
    cliVsCliFloor: round(example.cli.ms / example.cliFloor.ms),
    growth: round(growth.largest.ms / growth.half.ms),
    peakRssMiB: Math.round(results[largest].synth.rssKiB / 1024),
    verifyMs: Math.round(results[largest].verify.ms),
  };
  console.log(`\n(ratios at ${largest} services; growth = time(${largest}) / time(${half}))`);
  console.log(JSON.stringify(summary));
} finally {
  rmSync(work, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
