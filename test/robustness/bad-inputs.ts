/**
 * Generators of invalid version matrices (as TypeScript objects, JSON, YAML, raw text and raw bytes) and
 * the verdict on how the loader handled one: shared by the jest fuzz test and `scripts/fuzz.ts`.
 * Each input knows the field path that must be named in the error, when there is one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { fieldPath, loadMatrixFile, MatrixError, parseMatrixText, validateMatrix } from '../../src/matrix';
import { synthesize } from '../../src/synth';
import { baseMatrix } from '../helpers';

/** How an input reaches the loader. */
export type Channel = 'ts' | 'json' | 'yaml' | 'text' | 'bytes';

/** One bad input. */
export interface BadInput {
  /** What kind of badness (for the summary and for reading failures). */
  readonly category: string;
  readonly channel: Channel;
  /** A matrix object (ts, json, yaml), file text (text) or file bytes (bytes). */
  readonly data: unknown;
  /** Path of the field an issue must name (or a field inside it), when the badness is in one field. */
  readonly expectedPath?: string;
}

/** A path into the matrix object: keys and list indices. */
export type Segments = readonly (string | number)[];

/** The printed form of a path, as validation prints it (`a.b[0]`, `a["odd key"]`). */
export function printPath(segments: Segments): string {
  return segments.reduce<string>((path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : fieldPath(path, segment)), '');
}

/**
 * The base matrix of the fuzzer: the shared valid fixture plus a canary environment with gates and
 * resources, so that every kind of field is present to be broken.
 */
export function fuzzBase(): any {
  const matrix = baseMatrix();
  matrix.environments.staging = { namespace: 'staging', replicas: 1, autoscaling: { barista: { maxReplicas: 3 } } };
  matrix.services.barista.resources = { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '256Mi' } };
  matrix.services.barista.terminationGracePeriodSeconds = 60;
  matrix.services.barista.protocol = 'http2';
  matrix.services.barista.autoscaling = {
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      // (No quantity field here: a quantity is a number or a string, so no wrong type or number is wrong for it.)
      { type: 'ContainerResource', containerResource: { name: 'memory', container: 'barista', target: { type: 'Utilization', averageUtilization: 80 } } },
    ],
    behavior: { scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
  };
  matrix.releases.staging = {
    'coffee-shop': { from: 'v1', to: 'v2', strategy: { type: 'canary', steps: [10, 50] }, gates: { observeSeconds: 60, drainSeconds: 10 } },
    barista: { from: 'v1', to: 'v2', strategy: { type: 'blueGreen' } },
  };
  return matrix;
}

/**
 * The fuzz base with the workload fields of a service (container, pod, podMetadata, a version with its own
 * image and env, a release entry's overrides), each string field of them a target of the hostile values.
 */
export function workloadBase(): any {
  const matrix = fuzzBase();
  const barista = matrix.services.barista;
  barista.versions.v2 = { image: 'docker.io/team/barista-next', tag: 'b2', env: [{ name: 'FEATURE', value: 'on' }] };
  barista.container = {
    env: [{ name: 'LOG_DIR', value: '/tmp/logs' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
    envFrom: [{ configMapRef: { name: 'barista-config' } }],
    command: ['/app/run'], args: ['--verbose'], workingDir: '/app',
    ports: [{ name: 'http-metrics', containerPort: 9100 }],
    volumeMounts: [{ name: 'cache', mountPath: '/var/cache' }],
    startupProbe: { httpGet: { path: '/started', port: 'http-metrics' } },
  };
  barista.pod = {
    serviceAccountName: 'barista', nodeSelector: { pool: 'general' },
    volumes: [{ name: 'cache', emptyDir: {} }, { name: 'config', configMap: { name: 'barista-files' } }],
    containers: [{ name: 'log', image: 'registry.example.com/log:1', args: ['--follow'] }],
  };
  barista.podMetadata = { labels: { team: 'coffee' }, annotations: { 'prometheus.io/scrape': 'true' } };
  matrix.releases.staging.barista.overrides = { env: [{ name: 'LOG_LEVEL', value: 'debug' }], priorityClassName: 'low' };
  return matrix;
}

/** Every path of the base matrix with its value, parents before children. */
function pathsOf(value: unknown, prefix: Segments = []): { path: Segments; value: unknown }[] {
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const)
    : typeof value === 'object' && value !== null ? Object.entries(value) : [];
  return [{ path: prefix, value }, ...children.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

const BASE_PATHS = pathsOf(fuzzBase()).filter((p) => p.path.length > 0);
/** The string fields of the workload base that the fuzz base does not have. */
export const WORKLOAD_STRING_LEAVES = pathsOf(workloadBase())
  .filter((p) => typeof p.value === 'string' && !BASE_PATHS.some((b) => printPath(b.path) === printPath(p.path))).map((p) => p.path);
const isNameMap = (path: Segments) =>
  (path.length === 1 && path[0] !== 'releases') || (path.length === 2 && path[0] === 'releases') || (path.length === 3 && path[2] === 'versions');
/** Mappings with a fixed set of fields (not mappings of names). */
const FIELD_MAPS = [[], ...BASE_PATHS.filter((p) => isMapping(p.value) && !isNameMap(p.path)).map((p) => p.path)];
export const NAME_MAPS = BASE_PATHS.filter((p) => isMapping(p.value) && isNameMap(p.path) && p.path[0] !== 'releases').map((p) => p.path);
export const STRING_LEAVES = BASE_PATHS.filter((p) => typeof p.value === 'string').map((p) => p.path);
const NUMBER_LEAVES = BASE_PATHS.filter((p) => typeof p.value === 'number' && !p.path.includes('steps')).map((p) => p.path);
const REQUIRED = [['environments'], ['services'], ['releases'], ['environments', 'production', 'namespace'],
  ...['image', 'versions', 'port', 'readinessPath', 'livenessPath'].map((f) => ['services', 'barista', f]),
  ['releases', 'staging', 'coffee-shop', 'from'], ['releases', 'staging', 'coffee-shop', 'to'], ['releases', 'production', 'barista', 'version']];
const RELEASES = [['releases', 'production', 'coffee-shop'], ['releases', 'staging', 'coffee-shop'], ['releases', 'staging', 'barista']];
const CANARY = ['releases', 'staging', 'coffee-shop', 'strategy'];

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parentOf(root: any, path: Segments): any {
  return path.slice(0, -1).reduce((node, key) => node[key], root);
}

/** An own property, also for `__proto__` (plain assignment would set the prototype instead). */
function setOwn(target: any, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of the base matrix with the value at `path` replaced (or deleted when `value` is `DELETE`). */
const DELETE = Symbol('delete');
export function withValue(path: Segments, value: unknown, matrix: any = fuzzBase()): any {
  const parent = parentOf(matrix, path);
  if (value === DELETE) delete parent[path[path.length - 1]];
  else setOwn(parent, path[path.length - 1], value);
  return matrix;
}

/** A copy of the base matrix with key `from` of the mapping at `path` renamed to `to`, in place. */
function withRenamedKey(path: Segments, from: string, to: string): any {
  const matrix = fuzzBase();
  const map = path.reduce<any>((node, key) => node[key], matrix);
  const renamed = {};
  for (const [key, value] of Object.entries(map)) setOwn(renamed, key === from ? to : key, value);
  if (path.length === 0) return renamed;
  setOwn(parentOf(matrix, path), path[path.length - 1], renamed);
  return matrix;
}

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value);

/** Values of every JSON type, small and nested. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
);
/** Values only a TypeScript matrix can hold. */
const exoticValue: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  BigInt(80), Symbol('port'), () => 8080, new Date(0), new Map([['v1', 'a']]), new Set(['*']), new Uint8Array(2),
  // eslint-disable-next-line no-sparse-arrays -- a list with a hole, on purpose: a TypeScript matrix can hold one
  [10, , 50], Number.NaN, Number.POSITIVE_INFINITY, /regex/,
);

/** Characters no string field of a matrix accepts (not in any name, path, tag, host, image or quantity). */
const FORBIDDEN_CHARS = [' ', '\n', '\t', '"', '{', '}', '<', '>', '\\', '^', '`', '|', '#', '?', '[', ']', '\u0000', 'é', '\u2028', '💥'];
const invalidString = (scale: number): fc.Arbitrary<string> => fc.oneof(
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...FORBIDDEN_CHARS), fc.string({ maxLength: 10 })).map(([a, c, b]) => `/${a}${c}${b}`),
  fc.constantFrom('', '{{ .Values.image }}', 'a\n---\nkind: Secret', '!!python/object:os.system', '../../etc/passwd', 'a b'),
  // Longer than any string field may be (the longest, an HTTP path, is 1024 characters).
  fc.integer({ min: 1100, max: 5_000 * scale }).map((n) => `/${'a'.repeat(n)}`),
);
/** Numbers no numeric field accepts: not integers, or beyond every field's range. */
const invalidNumber: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noInteger: true, noDefaultInfinity: false }),
  fc.integer({ max: -1 }), fc.integer({ min: 86_401 }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE),
);

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Names that are not DNS labels of at most 63 characters (including the prototype's own keys). */
const invalidName = (label: RegExp): fc.Arbitrary<string> => fc.oneof(
  fc.string({ minLength: 0, maxLength: 30 }),
  fc.constantFrom('__proto__', 'toString', 'hasOwnProperty', '__defineGetter__', 'Production', 'my_service', 'a.b', '-a', 'a-', '9lives', ''),
  fc.integer({ min: 64, max: 5000 }).map((n) => 'a'.repeat(n)),
).filter((name) => !(label.test(name) && name.length <= 63));

const arbitraryPath = <T>(paths: readonly T[]) => fc.constantFrom(...paths);
/** TypeScript objects are validated directly, 10 times faster than text is parsed: they get 2 in 3 runs. */
const matrixChannel = fc.constantFrom<Channel>('ts', 'ts', 'ts', 'ts', 'json', 'yaml');
const dataChannel = fc.constantFrom<Channel>('json', 'yaml');

const wrongType = fc.tuple(arbitraryPath(BASE_PATHS), jsonValue, matrixChannel)
  .filter(([{ value }, replacement]) => kindOf(replacement) !== kindOf(value))
  .map(([{ path }, replacement, channel]): BadInput => ({ category: 'wrong type', channel, data: withValue(path, replacement), expectedPath: printPath(path) }));

const exoticType = fc.tuple(arbitraryPath(BASE_PATHS), exoticValue)
  .map(([{ path }, value]): BadInput => ({ category: 'exotic value', channel: 'ts', data: withValue(path, value), expectedPath: printPath(path) }));

const missingField = fc.tuple(arbitraryPath(REQUIRED), matrixChannel)
  .map(([path, channel]): BadInput => ({ category: 'missing field', channel, data: withValue(path, DELETE), expectedPath: printPath(path) }));

/** Every field name the README documents: adding one of these where it is missing would be valid. */
const FIELD_NAMES = new Set(['environments', 'services', 'releases', 'namespace', 'replicas', 'ingressHosts', 'image', 'versions', 'port',
  'protocol', 'readinessPath', 'livenessPath', 'preStopSeconds', 'terminationGracePeriodSeconds', 'resources', 'requests', 'limits', 'cpu',
  'memory', 'ingressPath', 'allowMutableTags', 'version', 'from', 'to', 'strategy', 'gates', 'type', 'steps', 'propagationSeconds',
  'drainSeconds', 'rolloutTimeoutSeconds', 'observeSeconds', 'configMaps', 'secrets', 'data', 'mountPath', 'asEnv']);
const unknownField = fc.tuple(arbitraryPath(FIELD_MAPS), fc.oneof(fc.string({ maxLength: 30, unit: 'grapheme' }), fc.constantFrom('__proto__', 'constructor', 'Image')), jsonValue, matrixChannel)
  .filter(([, key]) => !FIELD_NAMES.has(key))
  .map(([path, key, value, channel]): BadInput => {
    const matrix = fuzzBase();
    setOwn(path.reduce<any>((n, k) => n[k], matrix), key, value);
    return { category: 'unknown field', channel, data: matrix, expectedPath: printPath([...path, key]) };
  });

const badName = fc.tuple(arbitraryPath(NAME_MAPS), fc.nat(), matrixChannel).chain(([path, index, channel]) => {
  const keys = Object.keys(path.reduce<any>((n, k) => n[k], fuzzBase()));
  const key = keys[index % keys.length];
  return invalidName(path[0] === 'services' && path.length === 1 ? DNS1035 : DNS1123)
    .map((name): BadInput => ({ category: 'invalid name', channel, data: withRenamedKey(path, key, name), expectedPath: printPath([...path, name]) }));
});

const longGeneratedName = fc.tuple(fc.integer({ min: 56, max: 63 }), matrixChannel).map(([length, channel]): BadInput => {
  const version = 'v'.repeat(length);
  const data = withValue(['services', 'barista', 'versions', version], 'b9');
  return { category: 'generated name too long', channel, data, expectedPath: printPath(['services', 'barista', 'versions', version]) };
});

const badString = (scale: number) => fc.tuple(arbitraryPath(STRING_LEAVES), invalidString(scale), matrixChannel)
  .map(([path, value, channel]): BadInput => ({ category: 'invalid string', channel, data: withValue(path, value), expectedPath: printPath(path) }));

const badNumber = fc.tuple(arbitraryPath(NUMBER_LEAVES), invalidNumber, fc.constantFrom<Channel>('ts', 'yaml'))
  .map(([path, value, channel]): BadInput => ({ category: 'invalid number', channel, data: withValue(path, value), expectedPath: printPath(path) }));

/** The first invalid canary step and its path, by the rule of the README: 1..20 integer weights in 1..99, strictly ascending. */
function firstBadStep(steps: unknown[]): Segments | undefined {
  if (steps.length === 0 || steps.length > 20) return ['steps'];
  const bad = steps.findIndex((step, i) => typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > 99 ||
    (i > 0 && typeof steps[i - 1] === 'number' && step <= (steps[i - 1] as number)));
  return bad < 0 ? undefined : ['steps', bad];
}
const badWeights = fc.tuple(fc.array(fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.string({ maxLength: 3 })), { maxLength: 30 }), matrixChannel)
  .map(([steps, channel]) => ({ steps, channel, bad: firstBadStep(steps) }))
  .filter(({ bad }) => bad !== undefined)
  .map(({ steps, channel, bad }): BadInput => ({
    category: 'canary weights', channel, data: withValue([...CANARY, 'steps'], steps), expectedPath: printPath([...CANARY, ...bad!]),
  }));

const releaseToItself = fc.tuple(arbitraryPath(RELEASES), matrixChannel).map(([path, channel]): BadInput => {
  const data = fuzzBase();
  const release = path.reduce<any>((n, k) => n[k], data);
  release.to = release.from;
  return { category: 'release to itself', channel, data, expectedPath: printPath([...path, 'to']) };
});

const duplicates = fc.tuple(fc.constantFrom('namespace', 'host', 'image'), matrixChannel).map(([what, channel]): BadInput => {
  const data = fuzzBase();
  if (what === 'namespace') data.environments.staging.namespace = 'production';
  if (what === 'host') data.environments.production.ingressHosts = ['*', 'shop.example.com', '*'];
  if (what === 'image') data.services.barista.versions.v2 = 'b1';
  const expectedPath = { namespace: 'environments.staging.namespace', host: 'environments.production.ingressHosts[2]', image: 'services.barista.versions.v2' }[what];
  return { category: `duplicate ${what}`, channel, data, expectedPath };
});

/** JSON text of the base matrix in which the mapping at `path` holds `key` twice. */
function jsonWithDuplicateKey(path: Segments, key: string): string {
  const write = (value: unknown, at: Segments): string => {
    // Lists are written item by item: mappings inside them (autoscaling metrics) can hold the duplicate too.
    if (Array.isArray(value)) return `[${value.map((item, index) => write(item, [...at, index])).join(', ')}]`;
    if (!isMapping(value)) return JSON.stringify(value);
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${write(v, [...at, k])}`);
    if (printPath(at) === printPath(path)) entries.push(`${JSON.stringify(key)}: ${write(value[key], [...at, key])}`);
    return `{${entries.join(', ')}}`;
  };
  return write(fuzzBase(), []);
}
const duplicateKey = fc.constantFrom(...FIELD_MAPS, ...NAME_MAPS).chain((path) =>
  fc.constantFrom(...Object.keys(path.reduce<any>((n, k) => n[k], fuzzBase())))
    .map((key): BadInput => ({ category: 'duplicate key', channel: 'text', data: jsonWithDuplicateKey(path, key), expectedPath: printPath([...path, key]) })));

const prototypeNames = fc.tuple(fc.constantFrom('constructor', 'prototype', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'), fc.constantFrom('env', 'service', 'version'), matrixChannel)
  .map(([name, where, channel]): BadInput => {
    const data = fuzzBase();
    if (where === 'env') setOwn(data.releases, name, {});
    if (where === 'service') setOwn(data.releases.production, name, { version: 'v1' });
    if (where === 'version') data.releases.production.barista = { version: name };
    const expectedPath = { env: printPath(['releases', name]), service: printPath(['releases', 'production', name]), version: 'releases.production.barista.version' }[where];
    return { category: 'prototype name', channel, data, expectedPath };
  });

/** Sizes beyond the bounds of the matrix (entries per mapping, hosts, steps, fields) and of the issue list. */
const enormous = (scale: number) => fc.tuple(fc.constantFrom('services', 'environments', 'hosts', 'steps', 'fields', 'versions'), fc.integer({ min: 1, max: 2 * scale }), dataChannel)
  .map(([what, factor, channel]): BadInput => {
    const data = fuzzBase();
    const many = (n: number) => Array.from({ length: n }, (_, i) => i);
    // Entries are counted before they are validated: small values keep the files small.
    if (what === 'services') many(1000 * factor + 1).forEach((i) => { data.services[`s${i}`] = i; });
    if (what === 'environments') many(100 * factor + 1).forEach((i) => { data.environments[`e${i}`] = i; });
    if (what === 'versions') many(100 * factor + 1).forEach((i) => { data.services.barista.versions[`x${i}`] = i; });
    if (what === 'hosts') data.environments.production.ingressHosts = many(100 * factor + 1).map((i) => `h${i}.example.com`);
    if (what === 'steps') data.releases.staging['coffee-shop'].strategy.steps = many(20 * factor + 1).map((i) => 1 + (i % 99));
    if (what === 'fields') many(500 * factor).forEach((i) => { data.services.barista[`f${i}`] = i; });
    const expectedPath = {
      services: 'services', environments: 'environments', versions: 'services.barista.versions', hosts: 'environments.production.ingressHosts',
      steps: `${printPath(CANARY)}.steps`, fields: 'services.barista.f0',
    }[what];
    return { category: `too many ${what}`, channel, data, expectedPath };
  });

const YAML_OF_BASE = stringify(fuzzBase());

/** Alias bombs ("billion laughs"), aliases to themselves and to nothing, aliases that put a part where it does not belong. */
const aliases = fc.oneof(
  fc.tuple(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 3, max: 12 })).map(([levels, width]): BadInput => {
    const lines = ['a0: &a0 ["lol"]', ...Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(width).fill(`*a${i}`).join(', ')}]`)];
    return { category: 'alias bomb', channel: 'text', data: `${lines.join('\n')}\nenvironments: *a${levels}\n` };
  }),
  fc.constantFrom<BadInput>(
    { category: 'alias to itself', channel: 'text', data: 'environments: &e { production: *e }\nservices: {}\nreleases: {}\n', expectedPath: 'environments.production.namespace' },
    { category: 'undefined alias', channel: 'text', data: `${YAML_OF_BASE}extra: *nothing\n` },
    { category: 'alias in the wrong place', channel: 'text', data: YAML_OF_BASE.replace('services:', 'services: &s').replace(/^releases:[\s\S]*$/m, 'releases: *s\n'), expectedPath: 'releases.coffee-shop' },
    { category: 'alias as key', channel: 'text', data: `${YAML_OF_BASE.replace('production:', '&p production:')}*p : 1\n` },
  ),
);

const multiDocument = fc.tuple(fc.constantFrom(YAML_OF_BASE, 'a: 1\n', '--- !!str x\n', '[1]\n', JSON.stringify(fuzzBase())), fc.integer({ min: 1, max: 5 }))
  .map(([extra, count]): BadInput => ({ category: 'several documents', channel: 'text', data: [YAML_OF_BASE, ...Array(count).fill(extra)].join('\n---\n') }));

const textBytes = (text: string) => Buffer.from(text, 'utf8');
/** Invalid UTF-8: stray continuation bytes, truncated sequences, overlong encodings, encoded surrogates, bytes never in UTF-8. */
const INVALID_UTF8 = [[0x80], [0xbf], [0xc3], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xfe, 0xff]];
const binary = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes): BadInput => ({ category: 'random bytes', channel: 'bytes', data: Buffer.from(bytes) })),
  fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([at, bytes]): BadInput => {
    const text = textBytes(YAML_OF_BASE);
    const offset = at % text.length;
    return { category: 'non-UTF-8 bytes', channel: 'bytes', data: Buffer.concat([text.subarray(0, offset), Buffer.from(bytes), text.subarray(offset)]) };
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 31 }).filter((c) => ![9, 10, 13].includes(c))).map(([at, code]): BadInput => {
    const offset = at % YAML_OF_BASE.length;
    return { category: 'control character', channel: 'text', data: YAML_OF_BASE.slice(0, offset) + String.fromCharCode(code) + YAML_OF_BASE.slice(offset) };
  }),
  fc.constantFrom<BadInput>(
    { category: 'UTF-16 file', channel: 'bytes', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(YAML_OF_BASE, 'utf16le')]) },
    { category: 'gzip file', channel: 'bytes', data: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00]) },
  ),
);

const deepNesting = (scale: number) => fc.tuple(fc.integer({ min: 65, max: 1000 * scale }), fc.constantFrom('flow list', 'json object', 'block mapping', 'unclosed', 'in a field'))
  .map(([depth, form]): BadInput => {
    const block = (n: number) => Array.from({ length: Math.min(n, 300) }, (_, i) => `${'  '.repeat(i)}a:`).join('\n') + ' 1\n';
    const data = {
      'flow list': `${'['.repeat(depth)}${']'.repeat(depth)}`,
      'json object': `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      'block mapping': block(depth),
      unclosed: '{"a":'.repeat(depth),
      'in a field': YAML_OF_BASE.replace('port: 9090', `port: ${'['.repeat(depth)}${']'.repeat(depth)}`),
    }[form];
    return { category: `deep nesting (${form})`, channel: 'text', data };
  });

const emptyFile = fc.constantFrom('', ' ', '\n\n', '\t\n', '# nothing\n', '---\n', '---\n...\n', '--- # c\n---\n', '\uFEFF', '~', 'null', '""', '[]', '{}', '42', 'true', '"matrix"', '- a\n- b\n', '!!binary aGVsbG8=')
  .map((text): BadInput => ({ category: 'empty or not a mapping', channel: 'text', data: text }));

/**
 * Every category, weighted towards the field-level ones (most of what users get wrong). `scale`
 * multiplies the largest sizes (strings, nesting, entry counts); 1 keeps a run of 10,000 quick.
 */
const WORKLOAD_PATHS = pathsOf(workloadBase()).filter((p) => p.path.length > 0 && !BASE_PATHS.some((b) => printPath(b.path) === printPath(p.path)));
/** Mappings of the workload fields whose keys are free (labels, annotations, nodeSelector): any key is valid there. */
const FREE_MAPS = ['labels', 'annotations', 'nodeSelector'];
/** Workload fields where a value of another kind may be valid: a version's short form, a port number or name. */
const workloadWrongType = fc.tuple(fc.constantFrom(...WORKLOAD_PATHS.filter((p) => !['v2', 'port'].includes(String(p.path[p.path.length - 1])))), jsonValue, matrixChannel)
  .filter(([{ value }, replacement]) => kindOf(replacement) !== kindOf(value))
  .map(([{ path }, replacement, channel]): BadInput => ({
    category: 'workload wrong type', channel, data: withValue(path, replacement, workloadBase()), expectedPath: printPath(path),
  }));
/** A field no Kubernetes type and no workload mapping has (none starts with x). */
const workloadUnknownField = fc.tuple(
  fc.constantFrom(...WORKLOAD_PATHS.filter((p) => isMapping(p.value) && !FREE_MAPS.includes(String(p.path[p.path.length - 1])))),
  fc.string({ maxLength: 12 }).map((key) => `x${key}`), jsonValue, matrixChannel,
).map(([{ path }, key, value, channel]): BadInput => {
  const matrix = workloadBase();
  setOwn(path.reduce<any>((n, k) => n[k], matrix), key, value);
  return { category: 'workload unknown field', channel, data: matrix, expectedPath: printPath([...path, key]) };
});
/** Names the pod template holds, with names Kubernetes would refuse there. */
const INVALID_WORKLOAD_NAMES: readonly (readonly [Segments, readonly string[]])[] = [
  ...([['pod', 'volumes', 0, 'name'], ['pod', 'containers', 0, 'name'], ['pod', 'serviceAccountName'], ['container', 'ports', 0, 'name']] as const)
    .map((path) => [['services', 'barista', ...path], ['', 'Has Space', 'a\n---\nkind: Secret', '{{ .Values.name }}', '-a', 'a'.repeat(300), '!!binary']] as const),
  [['services', 'barista', 'container', 'env', 0, 'name'], ['', '1abc', 'LOG DIR', 'a\n---\nkind: Secret', '{{ .Values.name }}', '!!binary']],
  [['services', 'barista', 'podMetadata', 'labels', 'team'], ['Has Space', '-a', 'a'.repeat(64), 'a\nb', '{{ .Values.team }}']],
];
const workloadBadName = fc.tuple(fc.constantFrom(...INVALID_WORKLOAD_NAMES), fc.nat(), matrixChannel)
  .map(([[path, names], index, channel]): BadInput => ({
    category: 'workload invalid name', channel, data: withValue(path, names[index % names.length], workloadBase()), expectedPath: printPath(path),
  }));

export const badInput = (scale = 1): fc.Arbitrary<BadInput> => fc.oneof(
  { arbitrary: workloadWrongType, weight: 3 }, { arbitrary: workloadUnknownField, weight: 2 }, { arbitrary: workloadBadName, weight: 2 },
  { arbitrary: wrongType, weight: 6 }, { arbitrary: exoticType, weight: 2 }, { arbitrary: missingField, weight: 3 },
  { arbitrary: unknownField, weight: 3 }, { arbitrary: badName, weight: 4 }, { arbitrary: longGeneratedName, weight: 1 },
  { arbitrary: badString(scale), weight: 5 }, { arbitrary: badNumber, weight: 3 }, { arbitrary: badWeights, weight: 3 },
  { arbitrary: releaseToItself, weight: 1 }, { arbitrary: duplicates, weight: 1 }, { arbitrary: duplicateKey, weight: 2 },
  { arbitrary: prototypeNames, weight: 2 }, { arbitrary: enormous(scale), weight: 1 }, { arbitrary: aliases, weight: 2 },
  { arbitrary: multiDocument, weight: 1 }, { arbitrary: binary, weight: 3 }, { arbitrary: deepNesting(scale), weight: 2 },
  { arbitrary: emptyFile, weight: 1 },
);

/** The file name of an input (its extension tells what it is, as users name them). */
export function fileName(input: BadInput, index: number): string {
  return `matrix-${index}.${input.channel === 'json' ? 'json' : input.channel === 'ts' ? 'ts' : 'yaml'}`;
}

/** The bytes of the file an input is given as (not for the `ts` channel). */
export function fileContent(input: BadInput): string | Buffer {
  if (input.channel === 'json') return JSON.stringify(input.data);
  if (input.channel === 'yaml') return stringify(input.data, { aliasDuplicateObjects: false });
  return input.data as string | Buffer;
}

/** Problems that concern a file as a whole rather than one field of the matrix. */
const WHOLE_FILE = /^(is empty|holds \d+ YAML documents|invalid YAML: |is not UTF-8 text|is larger than|is nested more than|cannot be read)/;

/** Bound on the time one bad input may take in process (the largest take about a second on a slow machine). */
export const TIME_BOUND_MS = 5000;

/**
 * Loads one bad input in process and returns what is wrong with how it was handled, or undefined: a
 * TypeScript matrix through validateMatrix, text through parseMatrixText and validateMatrix, bytes
 * written to `dir` and read by loadMatrixFile (writing every input would take most of the time).
 * With `out`, what loads is synthesized into it, as `phased-rollout synth` would.
 */
export function crashOf(input: BadInput, dir: string, index: number, out?: string): string | undefined {
  const file = input.channel === 'ts' ? 'matrix.ts' : join(dir, fileName(input, index));
  const content = input.channel === 'ts' ? undefined : fileContent(input);
  if (typeof content !== 'string' && content !== undefined) writeFileSync(file, content);
  const started = performance.now();
  let error: unknown;
  try {
    const matrix = content === undefined ? validateMatrix(input.data, file)
      : typeof content === 'string' ? validateMatrix(parseMatrixText(content, file), file) : loadMatrixFile(file);
    if (out !== undefined) synthesize(matrix, out);
  } catch (caught) {
    error = caught;
  }
  const elapsed = performance.now() - started;
  if (elapsed > TIME_BOUND_MS) return `took ${Math.round(elapsed)} ms`;
  if (error === undefined) return 'accepted';
  if (!(error instanceof MatrixError)) return `threw ${(error instanceof Error ? String(error) : inspect(error)).slice(0, 300)}`;
  if (error.source !== file || !error.message.includes(file)) return `the error does not name the file: ${error.message.slice(0, 300)}`;
  if (error.issues.length === 0) return 'no issue listed';
  if (/\n\s+at /.test(error.message)) return `stack trace in the message: ${error.message.slice(0, 300)}`;
  const unnamed = error.issues.find((i) => i.path === '' && (input.channel === 'ts' || !WHOLE_FILE.test(i.message)));
  if (unnamed) return `an issue names no field: ${unnamed.message.slice(0, 300)}`;
  const expected = input.expectedPath;
  const within = (path: string) => expected !== undefined && (path === expected || path.startsWith(`${expected}.`) || path.startsWith(`${expected}[`));
  if (expected !== undefined && error.unlisted === 0 && !error.issues.some((i) => within(i.path))) {
    return `no issue names ${input.expectedPath}: ${error.message.slice(0, 500)}`;
  }
  return undefined;
}

/** Every document of `text` as the YAML parser reads it in `version` (1.1 is how kubectl reads it); throws on an error. */
export const parsedYaml = (text: string, version: '1.1' | '1.2') => parseAllDocuments(text, { version }).map((doc) => {
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
  return doc.toJS();
});

/** A copy with every occurrence of `from` in keys and strings replaced by `to`. */
export function replaced(node: unknown, from: string, to: string): unknown {
  if (typeof node === 'string') return node.split(from).join(to);
  if (Array.isArray(node)) return node.map((child) => replaced(child, from, to));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key.split(from).join(to), replaced(child, from, to)]));
}

/** Paths (list indices as *) of the string leaves that contain `text`. */
export function placesOf(node: unknown, text: string, path = ''): string[] {
  if (typeof node === 'string') return node.includes(text) ? [path] : [];
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, child]) => placesOf(child, text, path === '' ? (Array.isArray(node) ? '*' : key) : `${path}.${Array.isArray(node) ? '*' : key}`));
}

/** The plan's identity is a hash of its content (src/apply/record.ts), which differs whenever a value does. */
export const withoutPlanHash = (text: string) => text.replace(/sha256-[0-9a-f]{20}/g, 'sha256-<plan>');
