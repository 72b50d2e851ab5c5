/**
 * YAML and JSON read the way kubectl reads them, or refused. kubectl (k8s.io/apimachinery's YAML reader,
 * then sigs.k8s.io/yaml over go-yaml v2) reads YAML 1.1 after splitting the text at `---` lines itself;
 * every other YAML tool, and YAML 1.2, reads some of the same text differently. What kubectl reads
 * differently from a YAML 1.2 reading, or from what its authors likely meant, is refused with the
 * file, the line and what to write instead: never read another way. The rules were found against the
 * real kubectl (test/manifest/kubectl-differential.test.ts sends the same input to it).
 */
import type * as Yaml from 'yaml';
import { InputError } from './errors';

// The parser loads on first use: the block parser reads what synthesis writes, so `analyze` of a phase folder
// never needs it (loading it costs about 40 ms of that command's 120 ms, measured with `node --require yaml`).
// A static import would load it at start-up, and `import()` is asynchronous while parsing is not.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load, typed by the `import type` above
const yaml = (): typeof Yaml => require('yaml') as typeof Yaml;

/** One document of a YAML stream as kubectl's reader splits it: its text, where it starts in `source`. */
export interface DocumentText {
  readonly text: string;
  readonly offset: number;
  /** The whole (normalized) text of the file, for line numbers in messages. */
  readonly source: string;
}

/**
 * Characters go-yaml refuses ("control characters are not allowed"), or reads as line breaks where the
 * splitter and the block parser do not (NEL, LS, PS), and byte order marks after the start.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const REFUSED_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;

/** The line (1-based) of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The text kubectl's reader sees: a byte order mark at the start dropped, CRLF line ends read as LF
 * (kubectl reads lines). A lone carriage return (a line break to YAML, not to kubectl's splitter) is an
 * InputError naming the line. The characters go-yaml refuses are refused by each parser (see
 * {@link refuseCharacters}): a scan of its own would cost more than the block parser's whole read.
 */
export function normalizeText(text: string, file: string): string {
  let normalized = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (normalized.includes('\r')) {
    normalized = normalized.replace(/\r\n/g, '\n');
    const lone = normalized.indexOf('\r');
    if (lone >= 0) {
      throw new InputError(`${file}:${lineAt(normalized, lone)}: a carriage return without a line feed: YAML reads it as a line break, kubectl's document splitter does not; end lines with LF or CRLF`);
    }
  }
  return normalized;
}

/** Refuses the first character of `text` go-yaml refuses; `offset` is where `text` starts in `source`. */
export function refuseCharacters(text: string, source: string, offset: number, file: string): void {
  const refused = REFUSED_CHARACTER.exec(text);
  if (refused) {
    const code = refused[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new InputError(`${file}:${lineAt(source, offset + refused.index)}: character U+${code} is refused (kubectl refuses control characters; NEL, LS and PS are line breaks to YAML only): write it as an escape in a double-quoted string ("\\u${code}")`);
  }
}

/** A JSON stream to kubectl: the first character other than white space is `{`. */
export function isJsonStream(text: string): boolean {
  return /^[ \t\n]*\{/.test(text);
}

/** Lines that start with `---`: document separators to kubectl, or lines it refuses. */
const SEPARATOR_LINE = /^---([^\n]*)/gm;

/**
 * The documents of a YAML stream, split as kubectl's reader splits them: at lines that start with `---`
 * followed by nothing but white space or a comment. kubectl refuses any other line starting with `---`.
 */
export function splitDocuments(source: string, file: string): DocumentText[] {
  const documents: DocumentText[] = [];
  let start = 0;
  const add = (end: number) => {
    const text = source.slice(start, end);
    if (text.trim() !== '') documents.push({ text, offset: start, source });
  };
  for (const separator of source.matchAll(SEPARATOR_LINE)) {
    const rest = separator[1].trim();
    if (rest !== '' && !rest.startsWith('#')) {
      throw new InputError(`${file}:${lineAt(source, separator.index)}: \`---\` followed by \`${rest.slice(0, 20)}\`: kubectl refuses it as an invalid document separator; put the content on the next line`);
    }
    add(separator.index);
    start = separator.index + separator[0].length + 1;
  }
  if (start < source.length) add(source.length);
  return documents;
}

/** The YAML 1.1 booleans that are not `true`/`false`: go-yaml reads them as booleans, YAML 1.2 as strings. */
const YAML11_BOOLEANS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const NULLS = /^(?:|~|null|Null|NULL)$/;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
/** Integers written as they are read everywhere: decimal, no sign but `-`, no leading zero, no `_`. */
const CANONICAL_INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
/** Floats written as they are read everywhere: decimal, digits on both sides of the point, no exponent. */
const CANONICAL_FLOAT = /^-?(?:0|[1-9][0-9]*)\.[0-9]+$/;
/** What Go's strconv.ParseInt(s, 0, 64) reads (go-yaml removes `_` first): octal `010`, `0o`, `0x`, `0b`, a sign. */
const GO_INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml's float syntax (after removing `_`): `.5`, `1.`, `1e3`, `+1.5`. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Words go-yaml reads as floats JSON has no value for (kubectl refuses them). */
const NOT_A_NUMBER = /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;

/** Where a node starts in its document's text (0 when the parser gave no position). */
function offsetOf(node: unknown): number {
  return (node as { range?: readonly number[] | null } | null)?.range?.[0] ?? 0;
}

/** How a refusal of a scalar is worded: the scalar, and the line of the file it is on. */
type Refuse = (message: string) => never;

/**
 * A plain (unquoted, untagged) scalar as kubectl reads it, or refused where kubectl reads it as
 * something its text does not say in YAML 1.2: `on` (true), `010` (8), `0x1F`, `1_000`, `+1`, `.5`, `1e3`.
 * Timestamps and sexagesimal numbers (`2001-12-14`, `1:20`) are strings to kubectl, and read so.
 */
export function resolvePlainScalar(text: string, refuse: Refuse): unknown {
  if (NULLS.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (YAML11_BOOLEANS.test(text)) {
    const value = /^[yYoO]/.test(text) && text !== 'off' && text !== 'Off' && text !== 'OFF';
    refuse(`\`${text}\` is the boolean ${value} to kubectl (YAML 1.1) but a string to YAML 1.2: write ${value}, or quote it ("${text}") for a string`);
  }
  const first = text[0];
  if (!/[-+.0-9]/.test(first)) return text;
  if (CANONICAL_INTEGER.test(text)) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) refuse(`${text} is larger than an exact number here (at most ${Number.MAX_SAFE_INTEGER}): quote it ("${text}") for a string`);
    return value === 0 ? 0 : value; // `-0` is 0 to kubectl
  }
  if (CANONICAL_FLOAT.test(text)) return Number(text);
  if (NOT_A_NUMBER.test(text)) refuse(`\`${text}\` is a float JSON cannot hold (kubectl refuses it): quote it ("${text}") for a string`);
  const plain = first === '.' ? text : text.replace(/_/g, '');
  if (GO_INTEGER.test(plain) || GO_FLOAT.test(plain)) {
    refuse(`\`${text}\` is a number to kubectl (YAML 1.1 reads it as ${goNumber(plain)}) written in a form other readers take differently: write it as a plain decimal number, or quote it ("${text}") for a string`);
  }
  return text;
}

/** The value go-yaml gives a number in one of the forms refused, for the message. */
function goNumber(plain: string): string {
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[-+]/, '');
  let value: number;
  if (/^0[xXbBoO]/.test(digits)) value = Number(digits.toLowerCase());
  else if (/^0[0-7]+$/.test(digits)) value = parseInt(digits, 8);
  else value = Number(digits);
  return String(negative ? -value : value);
}

const STRING_TAG = 'tag:yaml.org,2002:str';

/** Most values aliases may expand to in one document: a bound on time and memory for hostile input. */
const MAX_EXPANDED_NODES = 1_000_000;

/**
 * Reads one document (as split by {@link splitDocuments}) the way go-yaml v2 and sigs.k8s.io/yaml do,
 * or refuses it naming the line: YAML 1.1 structure, scalars by {@link resolvePlainScalar}, merge keys
 * merged as go-yaml merges them, keys as the JSON strings kubectl makes of them.
 */
export function parseYamlDocument(document: DocumentText, file: string): unknown {
  const { text } = document;
  refuseCharacters(text, document.source, document.offset, file);
  const lineOf = (offset: number) => lineAt(document.source, document.offset + offset);
  const refuseAt = (offset: number) => (message: string): never => {
    throw new InputError(`${file}:${lineOf(offset)}: ${message}`);
  };
  const directive = /^%/m.exec(text);
  if (directive) refuseAt(directive.index)('a directive (%YAML, %TAG): kubectl splits documents at `---` before reading them and then refuses it; remove the line');
  const Y = yaml();
  const parsed = Y.parseAllDocuments(text, { version: '1.1', schema: 'failsafe', merge: false, uniqueKeys: false });
  if (!Array.isArray(parsed) || parsed.length === 0) return null; // comments only
  const [doc, ...more] = parsed;
  const problem = doc.errors[0] ?? more.find((d) => d.errors.length > 0)?.errors[0];
  if (problem) refuseAt(problem.pos[0])(`invalid YAML: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  const after = more.find((d) => d.contents !== null);
  if (after) {
    refuseAt(offsetOf(after.contents))('content after a `...` line: kubectl ignores everything after `...` up to the next `---`; remove the `...` line or put `---` before the next object');
  }
  let budget = MAX_EXPANDED_NODES;

  const toValue = (node: unknown): unknown => {
    if (--budget < 0) refuseAt(0)(`invalid YAML: aliases expand to more than ${MAX_EXPANDED_NODES} values`);
    if (Y.isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) refuseAt(offsetOf(node))(`invalid YAML: unknown anchor ${node.source}`);
      return toValue(target);
    }
    if (Y.isScalar(node)) return scalarValue(node);
    if (Y.isSeq(node)) {
      refuseTag(node);
      return node.items.map(toValue);
    }
    if (Y.isMap(node)) {
      refuseTag(node);
      return mappingValue(node);
    }
    return null; // an empty node (`key:` with no value)
  };

  const refuseTag = (node: Yaml.Scalar | Yaml.YAMLMap | Yaml.YAMLSeq) => {
    if (node.tag !== undefined && !(node.tag === STRING_TAG && Y.isScalar(node))) {
      refuseAt(offsetOf(node))(`the tag ${node.tag}: kubectl ignores most tags and acts on some (\`!!binary\` decodes base64); remove it, and quote the value for a string`);
    }
  };

  const scalarValue = (node: Yaml.Scalar): unknown => {
    refuseTag(node);
    const value = String(node.value);
    if (node.tag === STRING_TAG) return value;
    if (node.type === 'QUOTE_DOUBLE') {
      const raw = text.slice(offsetOf(node), node.range?.[1]);
      // go-yaml refuses `\/` (a YAML 1.2 escape) and escapes of UTF-16 surrogates, which JSON and YAML 1.2 pair.
      if (/(^|[^\\])(\\\\)*\\(\/|u[dD][89a-fA-F])/.test(raw)) refuseAt(offsetOf(node))('an escape kubectl refuses (`\\/` or a UTF-16 surrogate `\\uD8xx`): write the character itself');
      return value;
    }
    if (node.type !== 'PLAIN') return value;
    return resolvePlainScalar(value, refuseAt(offsetOf(node)));
  };

  const keyOf = (node: unknown): string => {
    if (!Y.isScalar(node)) {
      refuseAt(offsetOf(node))(node === null ? 'an empty key: kubectl refuses it' : 'a key that is a list or a mapping: kubectl refuses it; write a string key');
    }
    const key = scalarValue(node as Yaml.Scalar);
    if (typeof key === 'string') return key;
    if (typeof key === 'number' && Number.isInteger(key)) return String(key);
    return refuseAt(offsetOf(node))(`the key ${String((node as Yaml.Scalar).value)}: kubectl makes ${key === null ? 'no key of null' : `the key ${JSON.stringify(JSON.stringify(key))} of it`}; quote the key`);
  };

  const setField = (map: Record<string, unknown>, key: string, value: unknown) => {
    if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    else map[key] = value;
  };

  const mappingValue = (node: Yaml.YAMLMap): Record<string, unknown> => {
    const map: Record<string, unknown> = {};
    const explicit = new Set<string>();
    let merged = false;
    for (const pair of node.items) {
      const keyNode = pair.key as Yaml.Scalar | null;
      if (Y.isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.tag === undefined && keyNode.value === '<<') {
        if (merged) refuseAt(offsetOf(keyNode))('a second `<<` merge key in one mapping: kubectl refuses duplicate keys; merge a list instead (`<<: [*a, *b]`)');
        merged = true;
        mergeInto(map, pair.value, explicit, offsetOf(keyNode));
        continue;
      }
      const key = keyOf(keyNode);
      if (explicit.has(key)) refuseAt(offsetOf(keyNode))(`the key ${key} appears twice in one mapping: remove one`);
      explicit.add(key);
      setField(map, key, toValue(pair.value));
    }
    return map;
  };

  /** go-yaml's merge: a mapping, or a list of mappings of which the earlier win; the merged keys are set over the mapping's. */
  const mergeInto = (map: Record<string, unknown>, source: unknown, explicit: ReadonlySet<string>, at: number) => {
    const mapping = (node: unknown) => (Y.isAlias(node) ? node.resolve(doc) : node);
    const refuseMerge = () => refuseAt(at)('`<<` merges only a mapping or a list of mappings (kubectl refuses anything else)');
    const sources = Y.isSeq(source) ? [...source.items].reverse() : [source];
    for (const item of sources) {
      if (!Y.isMap(mapping(item))) refuseMerge();
      const value = toValue(item) as Record<string, unknown>;
      for (const key of Object.keys(value)) {
        if (explicit.has(key)) {
          refuseAt(at)(`\`<<\` after the key ${key}, which it also holds: kubectl lets the merged value win, YAML the key's; write \`<<:\` first in the mapping`);
        }
        setField(map, key, value[key]);
      }
    }
  };

  return toValue(doc.contents);
}

/**
 * The objects of a JSON stream as kubectl reads it (values one after another; `null` skipped), or an
 * InputError naming the line. Numbers JavaScript cannot hold exactly are refused.
 */
export function parseJsonStream(text: string, file: string): { readonly value: unknown; readonly offset: number }[] {
  refuseCharacters(text, text, 0, file);
  const values: { value: unknown; offset: number }[] = [];
  for (let at = skipSpace(text, 0); at < text.length; at = skipSpace(text, at)) {
    const end = jsonValueEnd(text, at);
    const where = `${file}:${lineAt(text, at)}`;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(at, end));
    } catch (error) {
      throw new InputError(`${where}: invalid JSON: ${(error as Error).message.split('\n')[0]}`);
    }
    checkJsonNumbers(text.slice(at, end), where);
    checkJsonValue(value, where);
    values.push({ value, offset: at });
    at = end;
  }
  return values;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n')) at++;
  return at;
}

/** Where the JSON value starting at `at` ends: after its closing bracket, or at the next white space for a bare value. */
function jsonValueEnd(text: string, at: number): number {
  let depth = 0;
  let inString = false;
  for (let i = at; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === ' ' || c === '\t' || c === '\n')) return i;
  }
  return text.length;
}

/** Refuses integers JavaScript cannot hold exactly (Go's JSON reading keeps them). */
function checkJsonNumbers(source: string, where: string): void {
  for (const [big] of source.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/(?<![\w.])-?[0-9]{16,}(?![\w.eE])/g)) {
    if (!Number.isSafeInteger(Number(big))) throw new InputError(`${where}: the number ${big} is larger than an exact number here: quote it for a string`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses what Go's JSON reading and JSON.parse read differently: lone surrogate escapes, numbers out of range. */
function checkJsonValue(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new InputError(`${where}: a lone UTF-16 surrogate escape (\\uD8xx): kubectl replaces it; write the character itself`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError(`${where}: a number out of range: kubectl refuses it`);
  } else if (Array.isArray(value)) {
    for (const item of value) checkJsonValue(item, where);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkJsonValue(key, where);
      checkJsonValue(item, where);
    }
  }
}
