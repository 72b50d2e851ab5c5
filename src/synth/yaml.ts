/**
 * A fast YAML emitter for rendered Kubernetes objects that produces exactly the bytes of cdk8s's
 * `Yaml.stringify` (YAML 1.1, no line folding). Stringifying dominates synthesis time, and the
 * general-purpose library spends most of it deciding how to write scalars. Here the strings manifests
 * are made of (words, image references, URLs, quantities, numbers as strings, one-line JSON) are
 * written by rules that a property test checks against cdk8s. Any other string is written once by
 * cdk8s's own stringifier and remembered for the caller's run (a {@link ScalarMemo}); its first call costs a small synthesis such as the example about
 * 12 ms, because the library's code runs for the first time. Anything outside
 * the shapes handled here (multi-line strings, nested sequences, unusual keys or numbers) is
 * stringified by cdk8s for the whole document.
 */
import { Yaml } from 'cdk8s';
import { isMapping } from '../manifest';

/** Thrown inside the emitter when a value needs the general stringifier. */
class NeedsGeneralStringifier extends Error {}

/**
 * Strings that every YAML 1.1 parser reads as a plain string: a letter, `_` or `/` first (no indicator, no
 * number), no space, and a colon only inside (`image:tag`, `https://host`); YAML11_KEYWORDS aside.
 */
const PLAIN = /^[A-Za-z_/](?:[A-Za-z0-9._/=-]|:(?!$))*$/;
/** Quantities and durations (`250m`, `1.5Gi`, `20s`): YAML 1.1 resolves no number with letters after it but hex (`0x1F`) and exponents. */
const QUANTITY = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?[A-DF-WYZa-df-wyz][A-Za-z]*$/;
/** Decimal integers written as strings (`"20"`): cdk8s double-quotes them. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
/** A JSON object on one line (an annotation such as `proxy.istio.io/config`): printable ASCII, double quotes, no single quote. */
const JSON_OBJECT = /^\{[\x20-\x26\x28-\x7e]*\}$/;
/** Plain-looking words that YAML 1.1 reads as booleans, null, or (`e5`) a float with no digits before the exponent. */
const YAML11_KEYWORDS = /^(y|n|yes|no|on|off|true|false|null|e[-+]?[0-9]+)$/i;
/** Keys written as they are (Kubernetes field names and label keys). */
const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9._/-]*$/;

/** Strings already written by cdk8s's stringifier, for one run (a renderer's lifetime): the value -> how it is written. */
export type ScalarMemo = Map<string, string>;

/** How cdk8s writes a one-line string as a nested mapping value (the same in any nested position). */
function stringScalar(value: string, memo: ScalarMemo): string {
  if ((PLAIN.test(value) && !YAML11_KEYWORDS.test(value)) || QUANTITY.test(value)) return value;
  // Quoted the way cdk8s's stringifier quotes them: double quotes unless the text holds some, then single.
  if (DECIMAL.test(value) || value === '*') return `"${value}"`;
  if (JSON_OBJECT.test(value) && value.includes('"')) return `'${value}'`;
  if (value.includes('\n') || value.includes('\r')) throw new NeedsGeneralStringifier();
  let written = memo.get(value);
  if (written === undefined) {
    const text = Yaml.stringify({ a: { b: value } });
    const prefix = 'a:\n  b: ';
    if (!text.startsWith(prefix) || !text.endsWith('\n') || text.indexOf('\n', prefix.length) !== text.length - 1) {
      throw new NeedsGeneralStringifier();
    }
    written = text.slice(prefix.length, -1);
    memo.set(value, written);
  }
  return written;
}

function scalar(value: unknown, memo: ScalarMemo): string {
  if (typeof value === 'string') return stringScalar(value, memo);
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  throw new NeedsGeneralStringifier();
}

function key(name: string): string {
  if (PLAIN_KEY.test(name) && !YAML11_KEYWORDS.test(name)) return name;
  throw new NeedsGeneralStringifier();
}

/** `key: value` lines of a mapping; the first line starts with `firstPrefix` (a sequence item's `- `). */
function mapping(map: Record<string, unknown>, indent: string, out: string[], memo: ScalarMemo, firstPrefix = indent): void {
  Object.entries(map).forEach(([name, value], index) => {
    const line = `${index === 0 ? firstPrefix : indent}${key(name)}:`;
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${line} []`);
      else {
        out.push(line);
        sequence(value, `${indent}  `, out, memo);
      }
    } else if (isMapping(value)) {
      if (Object.keys(value).length === 0) out.push(`${line} {}`);
      else {
        out.push(line);
        mapping(value, `${indent}  `, out, memo);
      }
    } else {
      out.push(`${line} ${scalar(value, memo)}`);
    }
  });
}

function sequence(items: readonly unknown[], indent: string, out: string[], memo: ScalarMemo): void {
  for (const item of items) {
    if (Array.isArray(item)) throw new NeedsGeneralStringifier();
    if (isMapping(item)) {
      if (Object.keys(item).length === 0) out.push(`${indent}- {}`);
      else mapping(item, `${indent}  `, out, memo, `${indent}- `);
    } else {
      out.push(`${indent}- ${scalar(item, memo)}`);
    }
  }
}

/**
 * One YAML document for a rendered object: byte-identical to cdk8s `Yaml.stringify(object)`. A renderer
 * passes one `memo` for all its objects, so that each unusual string goes through cdk8s once per run.
 */
export function stringifyObject(object: Record<string, unknown>, memo: ScalarMemo = new Map()): string {
  try {
    if (Object.keys(object).length === 0) throw new NeedsGeneralStringifier();
    const lines: string[] = [];
    mapping(object, '', lines, memo);
    return `${lines.join('\n')}\n`;
  } catch (error) {
    if (error instanceof NeedsGeneralStringifier) return Yaml.stringify(object);
    throw error;
  }
}
