/**
 * What verify reads from a phase folder is what kubectl applies from it. The same folders go to our
 * reader (listPhaseFolder + readManifestFile, as verify reads phase folders) and to the real kubectl
 * client (`kubectl apply --server-side -f <folder>`, as our executors run it) against a stand-in for the
 * API server (test/kubectl-api-stand-in.ts; there is no cluster), which records every object kubectl
 * sends. For each case, either our reader refused the input (InputError), or kubectl applied it
 * without error and sent exactly the objects our reader read: same objects, same order, equal values.
 *
 * Cases: hand-written edge cases (each with the verdict we expect, so that a change of reading shows),
 * and a seeded generated corpus (anchors, merge keys, tags, multi-document files, List kinds, YAML 1.1
 * scalars, CRLF, BOM, comments, JSON). `KUBECTL_DIFFERENTIAL_RUNS=N` sets the corpus size (default 150,
 * about a second), `KUBECTL_DIFFERENTIAL_SEED=S` its seed; `KUBECTL_DIFFERENTIAL_REFUSALS=1` prints why files were refused.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, KubeObject, listPhaseFolder, readManifestFile } from '../../src/manifest';
// The simulator's seeded generator: the same corpus on every run.
import { seededRandom } from '../../src/simulate/schedule';
import { ApiStandIn, ApplyRun, CONTEXT_NAMESPACE, KUBECTL, startApiStandIn } from '../kubectl-api-stand-in';

/** A file of a case: its name in the case's folder (a `/` makes a sub-folder) and its bytes. */
type Files = Record<string, string | Buffer>;

/** Our reading of a folder: the objects, or the InputError's message. */
type OurReading = { objects: KubeObject[] } | { refused: string };

function readOurs(folder: string): OurReading {
  try {
    return { objects: listPhaseFolder(folder, folder).flatMap((file) => readManifestFile(file.path, folder, file.listedRegular)) };
  } catch (error) {
    if (error instanceof InputError) return { refused: error.message };
    throw error;
  }
}

/** What kubectl sent, as our reader would have read it: the context's namespace removed where it was filled in. */
function normalizeSent(sent: readonly unknown[], ours: readonly KubeObject[]): unknown[] {
  return sent.map((object, i) => {
    const copy = JSON.parse(JSON.stringify(object)) as { metadata?: { namespace?: string } };
    if (copy.metadata?.namespace === CONTEXT_NAMESPACE && ours[i]?.metadata.namespace === undefined) delete copy.metadata.namespace;
    return copy;
  });
}

/** The name of an object kubectl sent. */
const sentName = (object: unknown): string => String((object as { metadata?: { name?: string } }).metadata?.name);

const Service = (name: string, rest = '') => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${rest}`;

/** Hand-written cases: the files, and whether our reader must read them (`read`) or refuse them (`refuse`, with a part of the message). */
const EDGE_CASES: Record<string, { files: Files; expect: 'read' | RegExp }> = {
  'merge key before the keys': { files: { 'a.yaml': Service('merge', 'spec:\n  base: &b\n    weight: 100\n    host: a\n  route:\n  - <<: *b\n    weight: 50\n  - <<: [*b, {host: c, z: 1}]\n') }, expect: 'read' },
  'merge key after a key it also holds (kubectl: the merged value wins)': { files: { 'a.yaml': Service('merge2', 'spec:\n  base: &b\n    weight: 100\n  route:\n  - weight: 50\n    <<: *b\n') }, expect: /a\.yaml:10: `<<` after the key weight/ },
  'a quoted "<<" is a plain key': { files: { 'a.yaml': Service('quoted-merge', 'spec:\n  "<<": {a: 1}\n') }, expect: 'read' },
  'a YAML flow mapping document (kubectl reads it as JSON)': { files: { 'a.yaml': '{apiVersion: v1, kind: Service, metadata: {name: flow}}\n' }, expect: /a\.yaml:1: invalid JSON/ },
  'merge of a scalar': { files: { 'a.yaml': Service('merge3', 'spec:\n  <<: 5\n') }, expect: /a\.yaml:6: `<<` merges only a mapping/ },
  'items in an object that is not a List (kubectl applies the items)': { files: { 'a.yaml': `${Service('outer')}items:\n- ${Service('hidden').replace(/\n(?=.)/g, '\n  ')}` }, expect: /a\.yaml:1: Service with an items field: kubectl applies what items holds/ },
  'a v1 List': { files: { 'a.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${Service('l1').replace(/\n(?=.)/g, '\n  ')}- ${Service('l2').replace(/\n(?=.)/g, '\n  ')}` }, expect: 'read' },
  'a ServiceList': { files: { 'a.yaml': `apiVersion: v1\nkind: ServiceList\nitems:\n- ${Service('sl').replace(/\n(?=.)/g, '\n  ')}` }, expect: /ServiceList with an items field/ },
  'a List in a List': { files: { 'a.yaml': `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n` }, expect: /a list inside a List/ },
  'a List with items: null': { files: { 'a.yaml': `apiVersion: v1\nkind: List\nitems: null\n---\n${Service('after-null-list')}` }, expect: /List with an items field/ },
  'objects after a ... line (kubectl drops them)': { files: { 'a.yaml': `${Service('d1')}...\n${Service('d2')}` }, expect: /a\.yaml:6: content after a `...` line/ },
  '... then --- (kubectl reads both)': { files: { 'a.yaml': `${Service('e1')}...\n---\n${Service('e2')}` }, expect: 'read' },
  'YAML 1.1 octal': { files: { 'a.yaml': Service('octal', 'spec:\n  weight: 010\n') }, expect: /a\.yaml:6: `010` is a number to kubectl \(YAML 1\.1 reads it as 8\)/ },
  'YAML 1.1 boolean on': { files: { 'a.yaml': Service('boolean-on', 'spec:\n  v: on\n') }, expect: /a\.yaml:6: `on` is the boolean true to kubectl/ },
  'YAML 1.1 boolean key y': { files: { 'a.yaml': Service('ykey', 'spec:\n  y: 1\n') }, expect: /a\.yaml:6: `y` is the boolean true/ },
  'key true': { files: { 'a.yaml': Service('truekey', 'spec:\n  true: 1\n') }, expect: /the key true: kubectl makes the key "true"/ },
  'integer keys': { files: { 'a.yaml': Service('intkey', 'spec:\n  8080: a\n  "9090": b\n') }, expect: 'read' },
  'null key': { files: { 'a.yaml': Service('nullkey', 'spec:\n  ~: 1\n') }, expect: /a\.yaml:6: the key ~/ },
  ...Object.fromEntries(['0o10', '0b1010', '0x1F', '0X1F', '1_000', '+1', '.5', '1e3', '1.', '09', '-0x1'].map((v) => [`number ${v}`, { files: { 'a.yaml': Service(`n-${v.replace(/[^a-z0-9]/gi, 'x').toLowerCase()}`, `spec:\n  v: ${v}\n`) }, expect: /a\.yaml:6: `.*` is a number to kubectl/ }])),
  '.inf': { files: { 'a.yaml': Service('inf', 'spec:\n  v: .inf\n') }, expect: /a float JSON cannot hold/ },
  'strings to kubectl: sexagesimal, timestamps, =, <<, 0bff, quantities': {
    files: { 'a.yaml': Service('strings', 'spec:\n  a: 1:20\n  b: 2001-12-14\n  c: 2001-12-14T21:59:43.10-05:00\n  d: =\n  e: <<\n  f: 0bff\n  g: 250m\n  h: 1.5Gi\n  i: -0\n  j: 1.50\n  k: ~\n  l:\n  m: 9007199254740991\n') },
    expect: 'read',
  },
  'an integer beyond 2^53': { files: { 'a.yaml': Service('big', 'spec:\n  v: 9007199254740993\n') }, expect: /larger than an exact number/ },
  'tags': { files: { 'a.yaml': Service('tags', 'spec:\n  v: !!binary aGVsbG8=\n') }, expect: /a\.yaml:6: the tag tag:yaml\.org,2002:binary/ },
  'a custom tag': { files: { 'a.yaml': Service('ctag', 'spec:\n  v: !custom x\n') }, expect: /the tag !custom/ },
  '!!str': { files: { 'a.yaml': Service('str', 'spec:\n  v: !!str 010\n  w: !!str on\n') }, expect: 'read' },
  'CRLF line ends, also in a quoted scalar': { files: { 'a.yaml': `${Service('crlf', 'spec:\n  v: "a\n    b"\n  w: |\n    x\n    y\n')}---\n${Service('crlf2')}`.replace(/\n/g, '\r\n') }, expect: 'read' },
  'a lone CR (a line break to YAML only)': { files: { 'a.yaml': Service('cr', 'spec:\n  v: a\rb: c\n') }, expect: /a\.yaml:6: a carriage return without a line feed/ },
  'a BOM': { files: { 'a.yaml': `\ufeff${Service('bom')}` }, expect: 'read' },
  'a BOM then ---': { files: { 'a.yaml': `\ufeff---\n${Service('bom2')}` }, expect: 'read' },
  'a BOM in a later document': { files: { 'a.yaml': `${Service('bom3')}---\n\ufeff${Service('bom4')}` }, expect: /a\.yaml:6: character U\+FEFF/ },
  'a control character': { files: { 'a.yaml': Service('ctrl', 'spec:\n  v: a\x07b\n') }, expect: /character U\+0007/ },
  'tabs after a colon and in a value': { files: { 'a.yaml': Service('tabs', 'spec:\n  v: a\tb\n  w:\t1\n') }, expect: 'read' },
  'comments and blank lines': { files: { 'a.yaml': `# head\n\n${Service('comments', '# in\nspec: # after\n  v: 1 # one\n\n  w: "#x"\n')}# tail\n` }, expect: 'read' },
  'separators with comments, spaces, tabs': { files: { 'a.yaml': `--- # first\n${Service('s1')}---   \n${Service('s2')}---\t\n${Service('s3')}---#x\n${Service('s4')}` }, expect: 'read' },
  '--- followed by content': { files: { 'a.yaml': `${Service('sj')}--- x\n${Service('sj2')}` }, expect: /a\.yaml:5: `---` followed by `x`/ },
  '----': { files: { 'a.yaml': `${Service('sd')}----\n${Service('sd2')}` }, expect: /a\.yaml:5: `---` followed by `-`/ },
  '--- !!map': { files: { 'a.yaml': `--- !!map\n${Service('tagdoc')}` }, expect: /`---` followed by `!!map`/ },
  'a %YAML directive': { files: { 'a.yaml': `%YAML 1.1\n---\n${Service('dir')}` }, expect: /a\.yaml:1: a directive/ },
  'empty and null documents': { files: { 'a.yaml': `---\n---\n# only a comment\n---\n${Service('ed')}---\nnull\n---\n~\n` }, expect: 'read' },
  'a JSON stream in a .json file, a duplicate key (the last wins)': { files: { 'a.json': '{"apiVersion":"v1","kind":"Service","metadata":{"name":"j1"},"spec":{"a":1,"a":2,"f":1.0}}\n{"apiVersion":"v1","kind":"Service","metadata":{"name":"j2"}}\nnull\n' }, expect: 'read' },
  'JSON in a .yaml file (kubectl reads JSON by content)': { files: { 'a.yaml': '  {"apiVersion":"v1","kind":"Service","metadata":{"name":"jy"},"spec":{"x":[1,"on"]}}\n' }, expect: 'read' },
  'JSON with a YAML-only number': { files: { 'a.yaml': '{"apiVersion":"v1","kind":"Service","metadata":{"name":"jo"},"spec":{"x": 010}}\n' }, expect: /a\.yaml:1: invalid JSON/ },
  'YAML in a .json file': { files: { 'a.json': Service('yj') }, expect: 'read' },
  'a YAML duplicate key (kubectl: the last wins)': { files: { 'a.yaml': Service('dup', 'spec:\n  a: 1\n  a: 2\n') }, expect: /a\.yaml:7: the key a appears twice/ },
  'keys that are the same string to kubectl': { files: { 'a.yaml': Service('dup2', 'spec:\n  1: a\n  "1": b\n') }, expect: /the key 1 appears twice/ },
  'escapes': { files: { 'a.yaml': Service('esc', 'spec:\n  x: "\\x41\\e\\N\\_\\L\\P\\0\\a\\v\\ \\U0001F600\\u00e9\\t\\\\"\n') }, expect: 'read' },
  'the escape \\/': { files: { 'a.yaml': Service('esc2', 'spec:\n  x: "a\\/b"\n') }, expect: /a\.yaml:6: an escape kubectl refuses/ },
  'a surrogate pair escape': { files: { 'a.yaml': Service('esc3', 'spec:\n  x: "\\ud83d\\ude00"\n') }, expect: /an escape kubectl refuses/ },
  'multi-line scalars and flow collections': { files: { 'a.yaml': Service('ml', "spec:\n  plain: a\n    b\n  fold: >\n    a\n    b\n  lit: |-\n    a\n    b\n  q: 'a\n\n    b'\n  flow: {a: [1, x, 'y'], b: {c: d}, 'e': \"f\"}\n") }, expect: 'read' },
  'anchors across documents (kubectl refuses them)': { files: { 'a.yaml': `${Service('a1', 'spec: &s\n  a: 1\n')}---\n${Service('a2', 'spec: *s\n')}` }, expect: /a\.yaml:12: invalid YAML: unknown anchor s/ },
  'a sub-folder (kubectl apply -f reads none)': { files: { 'a.yaml': Service('top'), 'sub/b.yaml': Service('inner') }, expect: /^sub: a sub-folder in a phase folder/ },
  'hidden files, plan.json, other extensions and names in byte order': {
    files: { '.hidden.yaml': Service('hidden-file'), 'b.yml': Service('yml'), 'Z.json': Service('json-upper'), 'a.YAML': Service('not-read'), 'notes.txt': 'x', 'é.yaml': Service('accent'), '\uff5e.yaml': Service('fullwidth'), '\u{1f600}.yaml': Service('emoji') },
    expect: 'read',
  },
  'plan.json in a phase folder is applied by kubectl': { files: { 'plan.json': '{"environment": "x"}' }, expect: /plan\.json:1: object without apiVersion, kind, metadata\.name/ },
};

let standIn: ApiStandIn;
const root = mkdtempSync(join(tmpdir(), 'kubectl-differential-'));

beforeAll(async () => {
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is missing: install the kubectl client (Debian package kubectl); this test runs it`);
  standIn = await startApiStandIn();
});
afterAll(async () => {
  await standIn?.close();
  rmSync(root, { recursive: true, force: true });
});

function writeCase(folder: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(folder, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
}

/** The failure of the differential property for one folder, or undefined when it holds. */
function disagreement(ours: OurReading, kubectl: ApplyRun): string | undefined {
  if ('refused' in ours) return undefined;
  if (kubectl.code !== 0) return `our reader read ${ours.objects.length} objects; kubectl failed: ${kubectl.stderr.trim()}`;
  const sent = normalizeSent(kubectl.sent, ours.objects);
  try {
    expect(sent).toEqual(JSON.parse(JSON.stringify(ours.objects)) as unknown);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

describe('the reader reads phase folders as kubectl applies them, or refuses them', () => {
  test.each(Object.entries(EDGE_CASES))('%s', async (name, { files, expect: expected }) => {
    const folder = join(root, 'edge', name.replace(/[^a-z0-9]+/gi, '-'));
    writeCase(folder, files);
    const ours = readOurs(folder);
    const kubectl = await standIn.apply(folder);
    expect(disagreement(ours, kubectl)).toBeUndefined();
    if (expected === 'read') {
      expect(ours).toHaveProperty('objects');
      expect((ours as { objects: KubeObject[] }).objects.length).toBeGreaterThan(0);
    } else {
      expect(ours).toHaveProperty('refused');
      expect((ours as { refused: string }).refused).toMatch(expected);
    }
  });

  test('a generated corpus: kubectl sends exactly what the reader read, file by file, or the reader refused the file', async () => {
    const runs = Number(process.env.KUBECTL_DIFFERENTIAL_RUNS ?? 150);
    const random = seededRandom(Number(process.env.KUBECTL_DIFFERENTIAL_SEED ?? 20261207));
    // One folder of many files, one kubectl run: objects are told apart by their names' case prefix.
    const folder = join(root, 'corpus');
    const cases = Array.from({ length: runs }, (_, i) => generateFile(random, `c${i}`));
    cases.forEach((file, i) => writeCase(folder, { [`case-${String(i).padStart(5, '0')}.${file.json ? 'json' : 'yaml'}`]: file.text }));
    const kubectl = await standIn.apply(folder);
    let read = 0;
    const failures: string[] = [];
    const refusals: string[] = [];
    cases.forEach((_, i) => {
      const name = `case-${String(i).padStart(5, '0')}`;
      const file = listPhaseFolder(folder, folder).find((f) => f.path.includes(name))!;
      let ours: KubeObject[];
      try {
        ours = readManifestFile(file.path, folder, true);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        refusals.push(error.message.replace(/^[^ ]* /, ''));
        return;
      }
      read++;
      const errors = kubectl.stderr.split('\n').filter((line) => line.includes(`${name}.`));
      const sent = kubectl.sent.filter((o) => sentName(o).startsWith(`c${i}-`));
      const problem = errors.length > 0 ? `kubectl failed: ${errors.join('; ')}` : disagreement({ objects: ours }, { code: 0, sent, stderr: '' });
      if (problem) failures.push(`${name}: ${problem}\n${cases[i].text}`);
    });
    if (process.env.KUBECTL_DIFFERENTIAL_REFUSALS) process.stderr.write(`${refusals.sort().join('\n')}\n`);
    expect(failures.slice(0, 3)).toEqual([]);
    // Not vacuous: most generated files are read (the rest are refused, which the property allows).
    expect(read).toBeGreaterThan(runs / 3);
  }, 120_000);

  test('generated folder layouts: kubectl applies the files directly in the folder, which the reader reads, or the reader refused the folder', async () => {
    const random = seededRandom(Number(process.env.KUBECTL_DIFFERENTIAL_SEED ?? 20261207));
    const names = ['a.yaml', 'b.yml', 'c.json', '.h.yaml', 'Z.yaml', 'd.YAML', 'e.txt', '\u00e9.yaml', '\uff5e.yml', '\u{1f600}.json', 'plan.yaml'];
    const layouts = Math.max(6, Math.round(Number(process.env.KUBECTL_DIFFERENTIAL_RUNS ?? 150) / 15));
    let read = 0;
    for (let i = 0; i < layouts; i++) {
      const files: Files = {};
      const nested = random() < 0.3;
      names.forEach((name, n) => {
        if (random() < 0.5) files[name] = random() < 0.8 ? Service(`l${i}f${n}`) : generateFile(random, `l${i}f${n}`).text;
      });
      if (nested) files[`sub${i}/x.yaml`] = Service(`l${i}-nested`);
      if (Object.keys(files).length === 0) files['a.yaml'] = Service(`l${i}-only`);
      const folder = join(root, 'layouts', String(i));
      writeCase(folder, files);
      const ours = readOurs(folder);
      if ('objects' in ours) read++;
      if (nested) expect(ours).toEqual({ refused: expect.stringMatching(new RegExp(`^sub${i}: a sub-folder in a phase folder`)) as unknown });
      expect(disagreement(ours, await standIn.apply(folder))).toBeUndefined();
    }
    if (process.env.KUBECTL_DIFFERENTIAL_REFUSALS) process.stderr.write(`layouts read: ${read} of ${layouts}\n`);
    expect(read).toBeGreaterThan(layouts / 10); // not vacuous: many layouts are read
  }, 120_000);
});

/** Scalars as written in YAML: plain words YAML 1.1 reads as other types, numbers in every notation, quoted forms. */
const SCALARS = ['a', 'shop', 'true', 'False', 'null', '~', '', 'on', 'Off', 'yes', 'n', 'Y', '0', '-1', '42', '010', '0o17', '0x1F', '0b11',
  '1_000', '+1', '-0', '.5', '1.5', '1.', '1e3', '09', '.inf', '2001-12-14', '2001-12-14 21:59:43.10', '1:20', '=', '<<', '250m', '1.5Gi',
  '0bff', '"quoted"', "'single'", '"on"', "'010'", '"a\\tb"', '"\\x41"', '"\\/"', '"\\u00e9"', '!!str 010', '!!binary aGVsbG8=', '!!int 7',
  '!custom x', 'a b', 'a#b', 'http://x:80/y', 'image:1.0', '"#not comment"', '9007199254740993', '12345678901234567890', '1.0', '-1.25'];
/** Scalars read alike everywhere, most of a manifest's. */
const SAFE_SCALARS = ['a', 'shop', 'true', 'false', 'null', '', '0', '-1', '42', '1.5', '250m', '"quoted"', "'single'", '"on"', "'010'", '2001-12-14', '1:20', 'http://x:80/y', '!!str 010'];
const KEYS = ['a', 'b', 'name', 'weight', 'host', 'y', 'on', 'no', 'true', 'null', '1', '010', '"1"', "'on'", '1.5', '2001-12-14', '=', '~'];

/** A generated manifest file: YAML (or now and then JSON) of one to three objects named `<prefix>-<n>`. */
function generateFile(random: () => number, prefix: string): { text: string; json: boolean } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const count = 1 + Math.floor(random() * 3);
  if (chance(0.1)) {
    const objects = Array.from({ length: count }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-${i}` }, data: { v: pick(['a', 'on', '010']), n: pick([1, 1.5, -0, 1e21]) } }));
    return { text: objects.map((o) => JSON.stringify(o, null, chance(0.5) ? 2 : undefined)).join(pick(['\n', ' ', '\n\n'])), json: chance(0.5) };
  }
  let anchors = 0;
  const anchorNames: string[] = [];
  /** A block value at `indent`: a scalar on the key's line, or nested lines. */
  const value = (indent: number, depth: number): { inline?: string; lines?: string[] } => {
    const pad = ' '.repeat(indent);
    const roll = random();
    if (depth > 2 || roll < 0.5) {
      if (anchorNames.length > 0 && chance(0.08)) return { inline: `*${pick(anchorNames)}` };
      return { inline: chance(0.15) ? pick(SCALARS) : pick(SAFE_SCALARS) };
    }
    if (roll < 0.6) return { inline: pick(['{a: 1, b: [x, on]}', '[1, 2, "3"]', '{}', '[]', '{k: 010}']) };
    if (roll < 0.7) return { inline: pick(['|', '>', '|-']), lines: [`${pad}line one`, `${pad}line two`] };
    if (roll < 0.85) {
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const item = mapping(indent + 2, depth + 1);
        return [`${pad}- ${item[0].trimStart()}`, ...item.slice(1)];
      });
      return { lines: items.flat() };
    }
    return { lines: mapping(indent, depth + 1) };
  };
  const mapping = (indent: number, depth: number): string[] => {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    if (anchorNames.length > 0 && chance(0.15)) lines.push(`${pad}<<: ${chance(0.7) ? `*${pick(anchorNames)}` : `[${anchorNames.map((a) => `*${a}`).join(', ')}]`}`);
    const keys = new Set<string>();
    for (let i = 0; i < 1 + Math.floor(random() * 3); i++) keys.add(chance(0.95) ? pick(KEYS.slice(0, 5)) : pick(KEYS));
    for (const key of keys) {
      const v = value(indent + 2, depth);
      const anchor = v.lines && !v.inline && chance(0.2) ? `&x${anchors++}` : '';
      if (chance(0.05)) lines.push(`${pad}# a comment`);
      lines.push(`${pad}${key}:${anchor ? ` ${anchor}` : ''}${v.inline !== undefined ? ` ${v.inline}` : ''}${chance(0.05) ? ' # trailing' : ''}`);
      if (anchor) anchorNames.push(anchor.slice(1));
      if (v.lines) lines.push(...v.lines);
    }
    return lines;
  };
  const object = (name: string, indent = 0): string[] => {
    const pad = ' '.repeat(indent);
    const kind = pick(['ConfigMap', 'Service']);
    return [`${pad}apiVersion: v1`, `${pad}kind: ${kind}`, `${pad}metadata:`, `${pad}  name: ${name}`, `${pad}${kind === 'ConfigMap' ? 'data' : 'spec'}:`, ...mapping(indent + 2, 0)];
  };
  const documents: string[] = [];
  for (let i = 0; i < count; i++) {
    anchorNames.length = 0; // anchors do not cross documents
    if (chance(0.1)) {
      const items = [object(`${prefix}-${i}-a`, 2), object(`${prefix}-${i}-b`, 2)].map((lines) => [`- ${lines[0].trimStart()}`, ...lines.slice(1)]);
      documents.push(['apiVersion: v1', `kind: ${pick(['List', 'List', 'ConfigMapList'])}`, 'items:', ...items.flat()].join('\n'));
    } else {
      documents.push(object(`${prefix}-${i}`).join('\n'));
    }
  }
  let text = (chance(0.3) ? `${pick(['---', '--- # start'])}\n` : '') + documents.join(`\n${pick(['---', '--- # next', '---   ', '---\t', '...\n---'])}\n`) + '\n';
  if (chance(0.05)) text += `...\n${object(`${prefix}-after`).join('\n')}\n`;
  if (chance(0.1)) text = `\ufeff${text}`;
  if (chance(0.15)) text = text.replace(/\n/g, '\r\n');
  return { text, json: chance(0.1) };
}
