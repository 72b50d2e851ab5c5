/**
 * The block YAML parser either reads a document exactly as the kubectl reader (kubectl-yaml.ts, checked
 * against the real kubectl in kubectl-differential.test.ts) reads it, and as js-yaml (YAML 1.2) does, or
 * gives up: it reads only where YAML 1.1 and 1.2 agree. Checked on
 * documents generated from values built to hit YAML's type rules (words that are booleans or null,
 * numbers, quantities, timestamps, quotes, indicators), written in three styles, and on hand-written
 * edge cases.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Yaml } from 'cdk8s';
import * as jsYaml from 'js-yaml';
import { stringify } from 'yaml';
import { parseBlockYaml } from '../../src/manifest/block-yaml';
import { parseYamlDocument } from '../../src/manifest/kubectl-yaml';
import { stringifyObject } from '../../src/synth/yaml';

const MAX_INDENT = 128;

/** The kubectl reader's value of a one-document text, or its refusal's message. */
function readLikeKubectl(text: string): unknown {
  try {
    return parseYamlDocument({ text, offset: 0, source: text }, 'doc.yaml');
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** Strings that YAML reads as something other than a string unless quoted, and strings that need quoting. */
const TRICKY = ['true', 'True', 'FALSE', 'null', 'Null', '~', 'yes', 'no', 'on', 'y', '1', '-1', '-0', '0x1F', '0xA', '0xff', '0XA', '0o17', '0b11',
  '1_000', '1e3', '1E3', '1.5', '.5', '.inf', '-.inf', '.nan', '250m', '768Mi', '1.5Gi', '1Ei', '1e', '20s', '2001-12-14',
  '2001-12-14t21:59:43.10-05:00', '12:30', '1:2', '<<', 'a: b', 'a:', 'a #b', 'a#b', '#x', '- x', '-x', '? x', '|', '>', '&a',
  '*a', '!t', '%x', '@x', '`x', '{}', '[]', '{a}', '[a]', 'a,b', "'q'", '"q"', "it's", 'say "hi"', '', ' lead', 'trail ',
  'two  spaces', 'multi\nline', 'tab\there', 'back\\slash', '\\x41', 'ünïcode', '/path', '_x', 'http://x:80/y', 'image:1.0.0',
  '__proto__', 'constructor'];

// Mostly the shapes manifests have, so that most documents are in the subset; the rest hits the type rules.
const key = fc.oneof({ arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._/-]{0,12}$/), weight: 60 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 1 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 });
const scalar = fc.oneof({ arbitrary: fc.stringMatching(/^[a-z][a-z0-9 :/.-]{0,12}$/), weight: 20 }, { arbitrary: fc.integer(), weight: 5 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 3 }, { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  { arbitrary: fc.double({ noNaN: true }), weight: 1 }, { arbitrary: fc.boolean(), weight: 1 }, { arbitrary: fc.constant(null), weight: 1 });
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));
const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

/** Writers of the styles users meet: cdk8s (our emitter and its fallback), the yaml library, js-yaml (sequences not indented). */
const WRITERS: Record<string, (doc: Record<string, unknown>) => string> = {
  ours: (doc) => stringifyObject(doc),
  yaml: (doc) => stringify(doc),
  jsYaml: (doc) => jsYaml.dump(doc),
};

describe('block YAML parser', () => {
  test.each(Object.keys(WRITERS))('reads generated documents written by %s exactly as js-yaml, or gives up', (writer) => {
    let read = 0;
    let runs = 0;
    fc.assert(fc.property(document, (doc) => {
      const text = WRITERS[writer](doc);
      runs++;
      const parsed = parseBlockYaml(text, MAX_INDENT);
      if (parsed === undefined) return;
      read++;
      expect(parsed).toEqual(jsYaml.load(text));
      expect(parsed).toEqual(readLikeKubectl(text));
    }), { numRuns: 1500 });
    // Not vacuous: many generated documents are in the subset (about 28% of them; the bound is far below, so
    // that no seed fails it).
    expect(read).toBeGreaterThan(runs / 6);
  });

  test.each([
    ['a sequence at the key\'s indentation', 'a:\n- 1\n- x\nb: 2\n'],
    ['a nested sequence under a lone dash', 'a:\n  -\n    - 1\n'],
    ['a mapping after a lone dash', 'a:\n  -\n    b: 1\n    c: 2\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['a comment line', 'a: 1\n# note\nb: 2\n'],
    ['a trailing comment', 'a: 1 # note\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a flow sequence', 'a: [1, 2]\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['extra spaces after the colon', 'a:   x\n'],
    ['a key with a space', 'a b: 1\n'],
    ['a quoted key', '"a": 1\n'],
    ['a YAML escape', 'a: "\\x41"\n'],
    ['a single quote inside single quotes', "a: 'it''s'\n"],
    ['a blank line inside', 'a: 1\n\nb: 2\n'],
    ['indentation that does not line up', 'a:\n    b: 1\n  c: 2\n'],
    ['a top-level sequence', '- a\n- b: 1\n  c: 2\n'],
    ['leading and trailing empty lines', '\n\na: 1\n\n'],
    ['a merge key', 'a: 1\n<<: {b: 2}\n'],
    ['a tab', 'a:\t1\n'],
    ['a carriage return inside a plain scalar', 'a: b\rc\n'],
    ['a carriage return inside a single-quoted scalar', "a: 'b\rc'\n"],
    ['the __proto__ key', '__proto__: 1\n'],
    ['a scalar document', 'text\n'],
    ['negative zero (js-yaml reads 0)', 'a: -0\n'],
    ['a float', 'a: 1.5\n'],
    ['a timestamp', 'a: 2001-12-14\n'],
    ['a hexadecimal integer', 'a: 0x1F\n'],
    ['a hexadecimal integer whose digits are letters', 'a: 0xA\n'],
    ['a hexadecimal integer in lowercase', 'a: 0xff\n'],
    ['a hexadecimal integer with 0X', 'a: 0X1F\n'],
    ['a YAML 1.1 boolean', 'a: on\n'],
    ['a YAML 1.1 boolean of one letter', 'a: y\n'],
    ['a YAML 1.1 boolean key', 'on: 1\n'],
    ['a boolean key', 'true: 1\n'],
    ['a null key', 'null: 1\n'],
    ['an octal integer', 'a: 010\n'],
    ['the escape \\/ (JSON reads it, go-yaml refuses it)', 'a: "\\/"\n'],
    ['a surrogate pair escape', 'a: "\\ud83d\\ude00"\n'],
    ['a NEL (a line break to YAML 1.1)', 'a: b\u0085c\n'],
    ['a DEL', "a: 'b\u007fc'\n"],
  ])('%s: read as js-yaml and the kubectl reader read it, or given up', (_name, text) => {
    const parsed = parseBlockYaml(text, MAX_INDENT);
    if (parsed !== undefined) expect(parsed).toEqual(readLikeKubectl(text));
    let expected: unknown;
    try {
      expected = jsYaml.load(text);
    } catch {
      expect(parsed).toBeUndefined(); // js-yaml refuses it: so must this parser
      return;
    }
    if (parsed !== undefined) expect(parsed).toEqual(expected);
  });

  test('reads command-line flags itself (`- --port=8080`, `-Xmx512m`: strings in YAML 1.1 and 1.2 alike), as kubectl reads them', () => {
    const text = 'args:\n- --from\n- --port=8080\n- -v\nvalue: -Xmx512m\n';
    const parsed = parseBlockYaml(text, MAX_INDENT);
    expect(parsed).toEqual({ args: ['--from', '--port=8080', '-v'], value: '-Xmx512m' });
    expect(parsed).toEqual(readLikeKubectl(text));
    // Numbers and YAML's special floats that start with `-` stay the kubectl reader's.
    for (const other of ['a: -.inf\n', 'a: -.5\n', 'a: -1.5\n', 'a: --\n', 'a: ---\n']) expect(parseBlockYaml(other, MAX_INDENT)).toBeUndefined();
  });

  test('reads every document of the committed example output itself (the fast path is the one taken)', () => {
    const dist = resolve(__dirname, '../../dist');
    const documents: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (entry.endsWith('.k8s.yaml')) documents.push(...readFileSync(path, 'utf8').split(/^---$/m));
      }
    };
    walk(dist);
    expect(documents.length).toBeGreaterThan(50);
    for (const doc of documents) {
      expect(parseBlockYaml(doc, MAX_INDENT)).toEqual(jsYaml.load(doc));
      expect(parseBlockYaml(doc, MAX_INDENT)).toEqual(readLikeKubectl(doc));
    }
  });

  test('gives up beyond the indentation bound, however deep the document (no stack overflow)', () => {
    const nested = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1\n';
    expect(parseBlockYaml(nested(60), MAX_INDENT)).toEqual(jsYaml.load(nested(60)));
    expect(parseBlockYaml(nested(70), MAX_INDENT)).toBeUndefined();
    expect(parseBlockYaml(nested(1000), MAX_INDENT)).toBeUndefined();
  });

  test('cdk8s output of every scalar kind is read like js-yaml', () => {
    const doc = { a: 'true', b: 'null', c: '250m', d: '1e3', e: "it's", f: 'say "hi"', g: 1, h: -5, i: false, j: null, k: ['x', { l: [] }], m: {} };
    const text = Yaml.stringify(doc);
    expect(parseBlockYaml(text, MAX_INDENT)).toEqual(jsYaml.load(text));
  });
});
