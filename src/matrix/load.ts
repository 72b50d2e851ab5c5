/** Reading a matrix from a YAML or JSON file, with the same validation as a TypeScript matrix. */
import { closeSync, openSync, readSync } from 'node:fs';
import { Composer, CST, Document, isCollection, isMap, isPair, LineCounter, Lexer, Node, Parser, YAMLError } from 'yaml';
import { errorCode } from '../format';
import { Matrix } from './model';
import { keyOf, Locator, locatorOf, locatorOfText } from './positions';
import { printPath } from './field-path';
import { MatrixError, validateMatrix } from './validate';

/** Larger matrix files are refused before parsing: a bound on time and memory for hostile input. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Alias expansion bound: stops "billion laughs" YAML alias bombs. */
const MAX_ALIAS_COUNT = 1000;
/** A matrix is 6 levels deep; the bound keeps the recursive YAML composer far from the stack limit. */
const MAX_NESTING = 64;
/** YAML forbids these C0 controls and DEL unescaped (tab, LF and CR are allowed): their presence means binary content. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function fail(file: string, message: string, segments: readonly (string | number)[] = []): never {
  throw new MatrixError([{ path: printPath(segments), message, segments }], file);
}

/** `line L, column C` of an offset in the text (only computed for an error). */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * The syntax tree of the text (what parseAllDocuments composes), refusing collections nested deeper than
 * MAX_NESTING as soon as the parser reaches one: the parser keeps open collections on its stack (without
 * recursion), whereas the composer recurses per level, and running out of stack there can abort the
 * process (V8 fails fatally when the stack ends inside its regexp compiler). Stopping early also bounds
 * the time a file of 16 MiB of `[` takes.
 */
function syntaxTree(text: string, file: string, lineCounter: LineCounter): CST.Token[] {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // the first line, which Parser.parse would add (next() does not)
  const tokens: CST.Token[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    tokens.push(...parser.next(lexeme));
    // The stack holds the document, then one entry per open collection, then maybe a scalar.
    if (parser.stack.length > MAX_NESTING + 2) fail(file, `is nested more than ${MAX_NESTING} levels deep (at ${position(text, parser.offset)})`);
  }
  tokens.push(...parser.end());
  return tokens;
}

/**
 * Refuses duplicate keys, naming the field. The YAML library's own check is quadratic in the number of
 * keys of a mapping, which a 16 MiB file turns into hours.
 */
function checkDuplicateKeys(doc: Document, text: string, file: string): void {
  const pending: { node: unknown; path: readonly (string | number)[] }[] = [{ node: doc.contents, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop()!;
    if (!isCollection(node)) continue;
    const keys = new Map<string, Node>();
    node.items.forEach((item: unknown, index) => {
      if (!isPair(item)) {
        pending.push({ node: item, path: [...path, index] });
        return;
      }
      const key = keyOf(item.key);
      const itemPath = key === undefined ? path : [...path, key];
      const first = key === undefined ? undefined : keys.get(key);
      if (first) {
        fail(file, `invalid YAML: duplicate key ${JSON.stringify(key).slice(0, 80)} at ${position(text, (item.key as Node).range![0])}` +
          ` (first at ${position(text, first.range![0])})`, itemPath);
      }
      if (key !== undefined && isMap(node)) keys.set(key, item.key as Node);
      pending.push({ node: item.key, path }, { node: item.value, path: itemPath });
    });
  }
}

/**
 * The value of JSON text that JSON.parse reads exactly as the YAML path would: nested at most MAX_NESTING
 * deep and without duplicate keys (JSON.parse keeps the last one silently; the YAML path names it). One scan
 * counts the colons outside strings, which in JSON are exactly the key-value pairs, and the deepest nesting.
 * Undefined for anything else, which then takes the YAML path and its errors with positions.
 */
function parseStrictJson(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  let pairs = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote, past escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x3a) pairs++;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_NESTING) return undefined;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const countKeys = (v: unknown): number => (typeof v !== 'object' || v === null ? 0
    : Array.isArray(v) ? v.reduce((n: number, item) => n + countKeys(item), 0)
    : Object.values(v).reduce((n: number, item) => n + countKeys(item), Object.keys(v).length));
  return countKeys(value) === pairs ? value : undefined;
}

/** Parses matrix text (YAML 1.2, of which JSON is a subset): exactly one document, no custom tags. */
export function parseMatrixText(text: string, file: string): unknown {
  return parseMatrixSource(text, file).value;
}

/** The parsed matrix text and how to find a field's position in it (for messages). */
function parseMatrixSource(text: string, file: string): { value: unknown; locate: () => Locator } {
  if (text.length > MAX_FILE_BYTES) fail(file, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    fail(file, `is not UTF-8 text (binary content: control character U+${code} at ${position(text, control.index)})`);
  }
  const json = parseStrictJson(text);
  if (json !== undefined) return { value: json, locate: () => locatorOfText(text) };
  const lineCounter = new LineCounter();
  // What parseAllDocuments does, with the nesting bounded before the composer runs; duplicate keys are
  // found by checkDuplicateKeys (in linear time).
  const docs = Array.from(new Composer({ uniqueKeys: false, customTags: [], strict: true }).compose(syntaxTree(text, file, lineCounter)));
  const nonEmpty = docs.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  if (nonEmpty.length === 0) fail(file, 'is empty (expected a mapping with environments, services and releases)');
  if (nonEmpty.length > 1) fail(file, `holds ${nonEmpty.length} YAML documents (a matrix is exactly one)`);
  const [doc] = nonEmpty;
  const error: YAMLError | undefined = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (error) fail(file, `invalid YAML: ${error.message.split('\n')[0].replace(/[.:]$/, '')} at ${position(text, error.pos[0])}`);
  checkDuplicateKeys(doc, text, file);
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locate: () => locatorOf(doc, lineCounter) };
  } catch (err) {
    // Aliases can nest deeper than the document shows; the stack may still run out here (a RangeError).
    return fail(file, `invalid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/**
 * The file's bytes, at most MAX_FILE_BYTES + 1 of them: reading stops there, also for a pipe or a device
 * (`--matrix /dev/stdin` works, `/dev/zero` does not exhaust memory).
 */
function readBounded(file: string): Buffer {
  const chunks: Buffer[] = [];
  const fd = openSync(file, 'r');
  try {
    for (let total = 0; total <= MAX_FILE_BYTES;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, MAX_FILE_BYTES + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks);
}

/** Reads, parses and validates a matrix file. Throws MatrixError (exit code 1) naming the file, the field and its line and column. */
export function loadMatrixFile(file: string): Matrix {
  let bytes: Buffer;
  try {
    bytes = readBounded(file);
  } catch (err) {
    return fail(file, `cannot be read (${errorCode(err)})`);
  }
  if (bytes.length > MAX_FILE_BYTES) fail(file, `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  let text: string;
  try {
    // `fatal` refuses invalid UTF-8 instead of replacing it with U+FFFD; a byte order mark is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(file, 'is not UTF-8 text (binary content)');
  }
  const { value, locate } = parseMatrixSource(text, file);
  try {
    return validateMatrix(value, file);
  } catch (error) {
    throw error instanceof MatrixError ? error.withPositions(locate()) : error;
  }
}
