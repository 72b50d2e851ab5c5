/**
 * A parser for the block YAML that cdk8s and most tools write for Kubernetes objects: nested mappings,
 * `- ` sequences, plain and quoted one-line scalars, empty `{}` and `[]`. It reads such documents several
 * times faster than a general parser (reading thousands of phase files is most of `verify`'s time).
 *
 * It gives up (undefined) on anything outside that subset, which then goes to the kubectl reader
 * (kubectl-yaml.ts): comments, blank lines, block and multi-line scalars, flow collections, anchors,
 * unusual keys, and every plain scalar whose type it cannot tell with certainty (it resolves only null,
 * `true`/`false`, plain decimal integers, quantities like `250m`, and strings that start with a letter, `_`, `-`+letter
 * or `/`, where YAML 1.1 as kubectl reads it and YAML 1.2 agree: never `on`, `yes` or `010`). A property
 * test compares it with the kubectl reader on generated documents, and a differential test with kubectl.
 */

/** Thrown inside the parser for input outside the subset. */
class Unsupported extends Error {}

/** Keys read as written: a letter, `_` or `/` first (not numbers, `<<`, `.inf`, `-0`), or a plain integer. */
const PLAIN_KEY = /^(?:[A-Za-z_/][A-Za-z0-9_./-]*|0|[1-9][0-9]{0,14})$/;
/**
 * Strings that start with a letter, `_` or `/`, or with `-` or `--` and a letter (command-line flags: no YAML number or
 * special float starts so): YAML reads them as strings unless listed in WORDS (the caller
 * refuses `: ` and ` #` inside and `:` at the end, which would start a mapping or a comment).
 */
// eslint-disable-next-line no-control-regex -- a plain string holds no control character
const PLAIN_STRING = /^(?:[A-Za-z_/]|--?[A-Za-z])[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]*$/;
/** Characters go-yaml refuses or reads as line breaks (and JSON.parse takes): the kubectl reader refuses them naming the line. */
const REFUSED_CHARACTER = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
const WORDS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['null', null], ['Null', null], ['NULL', null],
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
]);
const INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/; // not `-0`
/** Kubernetes quantities and durations (`250m`, `1.5Gi`, `20s`): a number, then letters that cannot make it a float (no `e`) or a hexadecimal integer (no `0x`, `0X`). */
const NUMBER_WITH_UNIT = /^(?!0[xX])[0-9]+(?:\.[0-9]+)?[A-DF-Za-df-z][A-Za-z]*$/;
/** Words YAML 1.1 (kubectl) reads as booleans and YAML 1.2 as strings: left to the kubectl reader, which refuses them. */
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
/** Double-quoted escapes JSON reads and go-yaml refuses: `\/`, and UTF-16 surrogates (which JSON pairs). */
const NOT_YAML11_ESCAPE = /\\(?:\/|u[dD][89a-fA-F])/;

/**
 * The value of a block YAML document, or undefined when it is not in the subset this parser reads or
 * is indented deeper than `maxIndent` (which bounds the recursion).
 */
export function parseBlockYaml(text: string, maxIndent: number): unknown {
  if (text.includes('\t')) return undefined;
  const indents: number[] = [];
  const texts: string[] = [];
  // One substring per line, without its indentation (documents have thousands of lines in all).
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = start;
    while (indent < end && text.charCodeAt(indent) === 0x20) indent++;
    const line = text.slice(indent, end);
    const unsupported = line === '' || line.startsWith('#') || text.charCodeAt(end - 1) === 0x20;
    indents.push(unsupported ? -1 : indent - start);
    texts.push(unsupported && line !== '' ? text.slice(start, end) : line);
    start = end + 1;
  }
  // Empty lines around the document (a `---` split leaves one before it) are not part of it.
  while (texts.length > 0 && texts[texts.length - 1] === '') {
    texts.pop();
    indents.pop();
  }
  const first = texts.findIndex((line) => line !== '');
  if (first < 0) return null;
  try {
    const parser = new Parser(indents, texts, first, maxIndent);
    const value = parser.node(0);
    if (!parser.done()) throw new Unsupported();
    return value;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Reads lines by indentation; `indents[i]` is -1 for a line outside the subset (blank inside, comment, tab). */
class Parser {
  constructor(private readonly indents: number[], private readonly texts: string[], private next: number, private readonly maxIndent: number) {}

  public done(): boolean {
    return this.next === this.texts.length;
  }

  /** The mapping or sequence whose first line is the current one, at `indent`. */
  public node(indent: number): unknown {
    if (this.indent() !== indent || indent > this.maxIndent) throw new Unsupported();
    return isItem(this.texts[this.next]) ? this.sequence(indent) : this.mapping(indent);
  }

  /** The current line's indentation. */
  private indent(): number {
    const indent = this.indents[this.next];
    if (indent === undefined || indent < 0) throw new Unsupported();
    return indent;
  }

  private mapping(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (!this.done()) {
      const at = this.indent();
      const text = this.texts[this.next];
      if (at < indent) break;
      if (at > indent || isItem(text)) throw new Unsupported();
      const colon = text.indexOf(':');
      const key = text.slice(0, colon);
      // `__proto__` would set the prototype here; js-yaml makes it a field. A key already set is a duplicate,
      // and so is one that names an inherited member (`toString`): js-yaml reads those rare keys.
      if (colon < 0 || !PLAIN_KEY.test(key) || key === '__proto__' || map[key] !== undefined || WORDS.has(key) || YAML11_WORDS.test(key)) throw new Unsupported();
      this.next++;
      if (colon === text.length - 1) map[key] = this.nested(indent);
      else if (text[colon + 1] === ' ') map[key] = scalar(text.slice(colon + 2));
      else throw new Unsupported();
    }
    return map;
  }

  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    while (!this.done()) {
      const at = this.indent();
      const text = this.texts[this.next];
      if (at < indent || (at === indent && !isItem(text))) break;
      if (at > indent) throw new Unsupported();
      if (text === '-') {
        this.next++;
        items.push(this.nestedItem(indent));
        continue;
      }
      const rest = text.slice(2);
      if (rest.startsWith(' ') || isItem(rest)) throw new Unsupported();
      if (/^[^"'{[][^:]*:(?: |$)/.test(rest)) {
        // `- key: value`: a mapping whose keys line up two columns in.
        this.indents[this.next] = indent + 2;
        this.texts[this.next] = rest;
        if (indent + 2 > this.maxIndent) throw new Unsupported();
        items.push(this.mapping(indent + 2));
      } else {
        this.next++;
        items.push(scalar(rest));
      }
    }
    return items;
  }

  /** The value of `key:` with nothing after the colon: a deeper block, a sequence at the same indentation, or null. */
  private nested(indent: number): unknown {
    if (this.done()) return null;
    const at = this.indent();
    if (at > indent) return this.node(at);
    if (at === indent && isItem(this.texts[this.next])) return this.sequence(indent);
    return null;
  }

  /** The value of a lone `-`: a deeper block, or null. */
  private nestedItem(indent: number): unknown {
    if (this.done()) return null;
    const at = this.indent();
    return at > indent ? this.node(at) : null;
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function scalar(text: string): unknown {
  const first = text.charCodeAt(0);
  // Digits and `-` start the numbers; letters, `_` and `/` the words and plain strings (most values).
  if ((first >= 0x30 && first <= 0x39) || first === 0x2d) {
    if (INTEGER.test(text)) return Number(text);
    if (NUMBER_WITH_UNIT.test(text)) return text;
  } else if (text === '{}') return {};
  else if (text === '[]') return [];
  else if (text.length <= 5 && WORDS.has(text)) return WORDS.get(text);
  if (PLAIN_STRING.test(text)) {
    if (text.includes(': ') || text.includes(' #') || text.endsWith(':') || (text.length <= 3 && YAML11_WORDS.test(text))) throw new Unsupported();
    return text;
  }
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    // JSON's escapes mean the same in YAML, but for two; YAML's others (\x, \e, \N, ...) make JSON.parse fail.
    if (NOT_YAML11_ESCAPE.test(text) || REFUSED_CHARACTER.test(text)) throw new Unsupported();
    try {
      return JSON.parse(text);
    } catch {
      throw new Unsupported();
    }
  }
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    const inner = text.slice(1, -1);
    // A carriage return is a line break to YAML, which folds it.
    // eslint-disable-next-line no-control-regex -- control characters inside quotes are left to the full parser
    if (inner.replace(/''/g, '').includes("'") || /[\x00-\x1f]/.test(inner) || REFUSED_CHARACTER.test(inner)) throw new Unsupported();
    return inner.replace(/''/g, "'");
  }
  throw new Unsupported();
}
