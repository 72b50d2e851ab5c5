/**
 * Is the hand-written YAML code worth keeping? (`npx tsx bench/parsers.ts [services]`, default 1000.)
 * Side by side in one process, interleaved rounds, median reported, on the benchmark matrix's output:
 *   emitter: src/synth/yaml.ts `stringifyObject` against cdk8s's `Yaml.stringify` for every rendered
 *            object of one synthesis (the same bytes: checked);
 *   parser:  src/manifest/block-yaml.ts `parseBlockYaml` against js-yaml `load` and the `yaml` package's
 *            `parse` for every document of one environment's phase files (the same values: checked).
 * Prints one line of JSON with the times and the ratios (library / ours).
 */
import { isDeepStrictEqual } from 'node:util';
import { Yaml } from 'cdk8s';
import * as jsYaml from 'js-yaml';
import * as yaml from 'yaml';
import { parseBlockYaml } from '../src/manifest/block-yaml';
import { validateMatrix } from '../src/matrix';
import { synthesizeEnvironment } from '../src/synth';
import { stringifyObject } from '../src/synth/yaml';
import { generateMatrix } from './support/matrix-generator';

const services = Number(process.argv[2] ?? 1000);
const ROUNDS = 7;

const matrix = validateMatrix(generateMatrix(services));
const output = synthesizeEnvironment(matrix.environments.find((e) => e.name === 'production')!);
const objects = output.phases.flatMap((phase) => phase.objects) as unknown as Record<string, unknown>[];
const documents = output.phases.flatMap((phase) => phase.files.flatMap((file) => file.yaml.split(/^---$/m)));

function time(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const object of objects.slice(0, 200)) {
  if (stringifyObject(object) !== Yaml.stringify(object)) throw new Error('emitter differs from cdk8s');
}
for (const doc of documents.slice(0, 200)) {
  if (!isDeepStrictEqual(parseBlockYaml(doc, 128), jsYaml.load(doc))) throw new Error('block parser differs from js-yaml');
}

const runs: Record<string, number[]> = { ours: [], cdk8s: [], blockParser: [], jsYaml: [], yaml: [] };
for (let round = 0; round < ROUNDS; round++) {
  runs.ours.push(time(() => objects.forEach((o) => stringifyObject(o))));
  runs.cdk8s.push(time(() => objects.forEach((o) => Yaml.stringify(o))));
  runs.blockParser.push(time(() => documents.forEach((d) => parseBlockYaml(d, 128))));
  runs.jsYaml.push(time(() => documents.forEach((d) => { jsYaml.load(d); })));
  runs.yaml.push(time(() => documents.forEach((d) => { yaml.parse(d); })));
}
const ms = Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, Math.round(median(values))]));
console.log(JSON.stringify({
  services, objects: objects.length, documents: documents.length, medianMs: ms,
  emitterGain: +(ms.cdk8s / ms.ours).toFixed(2),
  parserGainOverJsYaml: +(ms.jsYaml / ms.blockParser).toFixed(2),
  parserGainOverYaml: +(ms.yaml / ms.blockParser).toFixed(2),
}));
