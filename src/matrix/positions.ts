/**
 * Where a field is in a YAML or JSON file (JSON is YAML 1.2 flow): line and column of the node a path of
 * keys and list indices leads to, for messages like `matrix.yaml:12:7: services.barista.port: ...`.
 * Only computed when there is a problem to report.
 */
import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';

/** Line and column, from 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Finds the position of a path in one file: of its field, or of the deepest mapping or list on the way to it that is there. */
export type Locator = (segments: readonly (string | number)[]) => SourcePosition | undefined;

/** The JavaScript key a scalar mapping key becomes, as the YAML library converts it (null -> ''). */
export function keyOf(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const value: unknown = key.value;
  if (value === null) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : undefined;
}

/**
 * A locator over a parsed document: a mapping entry is found at its key (the field's name), a list item at
 * the item; a path that goes on past what the file has (a missing field) ends at the deepest node found
 * (the root for a missing top-level field).
 */
export function locatorOf(doc: Document, lineCounter: LineCounter): Locator {
  return (segments) => {
    let node: unknown = doc.contents;
    let found: Node | undefined = isNode(node) ? node : undefined;
    for (const segment of segments) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: { at: Node; value: unknown } | undefined;
      if (isMap(node) && typeof segment === 'string') {
        const pair = node.items.find((item) => isPair(item) && keyOf(item.key) === segment);
        if (pair) next = { at: pair.key as Node, value: pair.value };
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        next = { at: node.items[segment] as Node, value: node.items[segment] };
      }
      if (next?.at.range === undefined || next.at.range === null) break;
      found = next.at;
      node = next.value;
    }
    if (!found?.range) return undefined;
    const { line, col } = lineCounter.linePos(found.range[0]);
    return { line, column: col };
  };
}

/** A locator over YAML or JSON text (that was parsed successfully before: the text is parsed again here). */
export function locatorOfText(text: string): Locator {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, keepSourceTokens: false });
  return locatorOf(doc, lineCounter);
}

/** `file:line:column` of the path when it is found, else `file`. */
export function placeOf(file: string, locate: Locator, segments: readonly (string | number)[]): string {
  const position = locate(segments);
  return position ? `${file}:${position.line}:${position.column}` : file;
}
