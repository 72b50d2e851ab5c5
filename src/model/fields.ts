/**
 * The types of the fields the project reads, checked once when objects are loaded. Input is untrusted YAML:
 * a field of the wrong type (a `hosts: 5`, a weight written as a string, a label value that is a number)
 * would otherwise be read as absent, and a plan the API server would reject could pass as safe. Only present
 * fields are checked; fields no reader relies on are left to `analyze` and the API server.
 */
import { isMapping, KubeObject } from '../manifest';

/** A field's expected type: a string, a number, a map of strings (labels, selectors), a list, or an object with typed fields. */
export type Shape = 'string' | 'number' | 'labels' | { readonly list: Shape } | { readonly fields: Fields };

/** Typed fields of an object: field name -> its shape. */
export type Fields = Readonly<Record<string, Shape>>;

/** A list of strings. */
export const STRINGS: Shape = { list: 'string' };

/** The metadata fields every kind has. */
export const METADATA: Shape = { fields: { name: 'string', namespace: 'string', labels: 'labels' } };

/**
 * The first field of `value` that does not have its shape, with what was expected. `path` holds the field
 * names and list indexes down to `value`, shared by the whole walk and made into text only for a problem:
 * every object of every phase is checked, and nearly all are well-typed.
 */
export function problemOf(value: unknown, shape: Shape, path: (string | number)[]): string | undefined {
  if (shape === 'string' || shape === 'number') return typeof value === shape ? undefined : expected(path, `a ${shape}`, value);
  if (shape === 'labels') {
    if (!isMapping(value)) return expected(path, 'a map of strings', value);
    for (const key in value) if (typeof value[key] !== 'string') return expected([...path, key], 'a string', value[key]);
    return undefined;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return expected(path, 'a list', value);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const problem = problemOf(value[i], shape.list, path);
      path.pop();
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isMapping(value)) return expected(path, 'an object', value);
  for (const field in shape.fields) {
    if (value[field] === undefined) continue;
    path.push(field);
    const problem = problemOf(value[field], shape.fields[field], path);
    path.pop();
    if (problem) return problem;
  }
  return undefined;
}

/** `spec.http[0].route`: a path as messages show it. */
function pathText(path: readonly (string | number)[]): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

/** The message for the field at `path`, which is `value` where `what` was expected. */
function expected(path: readonly (string | number)[], what: string, value: unknown): string {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : JSON.stringify(value).slice(0, 80);
  return `${pathText(path)}: expected ${what}, not ${actual}`;
}

/** Whether `object` is shaped like a KubeObject at all is the parser's business; this checks the fields of `shape`. */
export function objectProblem(object: KubeObject, shape: Shape): string | undefined {
  return problemOf(object, shape, []);
}
