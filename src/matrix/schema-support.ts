/**
 * What every input schema of the project shares (the matrix, plan.json, Argo CD Application files):
 * strict mappings whose unknown fields are named with the valid ones, messages that show the offending
 * value, and zod's issues turned into a field path and a message.
 */
import { z } from './zod';

/** One problem in an input file: where, as path segments (keys and list indices), and what. */
export interface InputProblem {
  /** Keys and list indices from the root to the offending field. */
  readonly segments: readonly (string | number)[];
  /** What is wrong and what would be valid. */
  readonly message: string;
}

/** The message of a required field that is absent. */
export const REQUIRED_MESSAGE = 'required field is missing';

/** A plain mapping, as YAML, JSON and object literals give: not a list, Date, Map, Buffer or function. */
export function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** A short, single-line rendering of an offending value (JSON escapes newlines and quotes). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainMapping(value)) return 'a mapping';
  if (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol') {
    return `a ${Object.prototype.toString.call(value).slice('[object '.length, -1)}`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value)
    : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Stands in for a value that was reported already (a Date, a cycle): zod's issues about it are dropped. */
export const NOT_DATA = Symbol('not JSON data');
/** The message of an issue to drop. */
const DROPPED = '';

/**
 * A schema's message for a wrong value, which leaves an absent value ("required field is missing") and
 * NOT_DATA to {@link parseWith}'s fallback.
 */
export function messageFor(message: (issue: { readonly input?: unknown }) => string): (issue: { readonly input?: unknown }) => string | undefined {
  return (issue) => (issue.input === undefined || issue.input === NOT_DATA ? undefined : message(issue));
}

/** The message of a value that is not what `valid` describes: `"8080" is not an integer from 1 to 65535`. */
export function invalid(valid: string): (issue: { readonly input?: unknown }) => string | undefined {
  return messageFor((issue) => `${describeValue(issue.input)} is not ${valid}`);
}

/** The message of an issue no schema-specific message took: absent values and NOT_DATA. */
function fallbackMessage(issue: { readonly input?: unknown }): string | undefined {
  if (issue.input === NOT_DATA) return DROPPED;
  return issue.input === undefined ? REQUIRED_MESSAGE : undefined;
}

/**
 * A mapping with exactly these fields. Its unknown-field issue carries the valid fields as its message,
 * which {@link problemsOf} turns into one problem per unknown field.
 */
export function fieldsOf<Shape extends z.core.$ZodLooseShape>(shape: Shape, what = 'a mapping') {
  const fields = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? fields : messageFor((i) => `expected ${what}, got ${describeValue(i.input)}`)(issue)),
  });
}

/** Edit distance of two short strings, a swap of neighbours counting as one edit (for "did you mean"). */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    rows[i] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** ` (did you mean X?)` for the valid name closest to `name` when it is a likely typo of it, else ''. */
export function didYouMean(name: string, valid: readonly string[]): string {
  if (name.length > 100) return '';
  const lower = name.toLowerCase();
  const scored = valid.map((candidate) => ({ candidate, score: candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase()) }));
  const best = scored.reduce<{ candidate: string; score: number } | undefined>((a, b) => (a === undefined || b.score < a.score ? b : a), undefined);
  return best !== undefined && best.score <= Math.max(1, Math.floor(Math.min(name.length, best.candidate.length) / 3))
    ? ` (did you mean ${best.candidate}?)` : '';
}

/** The message of an unknown field: the valid ones, and the closest when it looks like a typo. */
export function unknownFieldMessage(name: string, valid: readonly string[]): string {
  return `unknown field${didYouMean(name, valid)} (valid fields: ${valid.join(', ')})`;
}

/** zod's issues as problems, their paths after `prefix`: one problem per unknown field, none for NOT_DATA. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly (string | number)[] = []): InputProblem[] {
  return issues.flatMap((issue, index): InputProblem[] => {
    // Several checks of one value may fail with one message (a number that is too large for both of its bounds).
    const repeated = issues.slice(0, index).some((other) => other.message === issue.message && other.path.join('\0') === issue.path.join('\0'));
    if (issue.message === DROPPED || repeated) return [];
    const segments = [...prefix, ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))];
    if (issue.code === 'unrecognized_keys') {
      const valid = issue.message.split(', ');
      return issue.keys.map((key) => ({ segments: [...segments, key], message: unknownFieldMessage(key, valid) }));
    }
    if (issue.message === REQUIRED_MESSAGE && typeof segments[segments.length - 1] === 'number') {
      return [{ segments, message: 'expected a value, got nothing (a hole in the list)' }];
    }
    return [{ segments, message: issue.message }];
  });
}

/** Parses `value` with `schema`: the data, or the problems (paths after `prefix`). */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix: readonly (string | number)[] = []):
  { readonly data: z.output<T>; readonly problems?: undefined } | { readonly data?: undefined; readonly problems: InputProblem[] } {
  const result = schema.safeParse(value, { error: fallbackMessage });
  return result.success ? { data: result.data } : { problems: problemsOf(result.error.issues, prefix) };
}

