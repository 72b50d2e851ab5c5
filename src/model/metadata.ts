/** The metadata every kind has, read leniently: a mistyped map becomes a map of strings, a missing one empty. */
import { isMapping, KubeObject, Labels } from '../manifest';

export type { Labels };

/** A map of strings (labels, selectors, annotations) from untrusted input; anything else is empty. */
export function stringMap(value: unknown): Labels {
  if (!isMapping(value)) return {};
  const map: Record<string, string> = {};
  for (const key in value) map[key] = String(value[key]);
  return map;
}

/** Field `key` of a mapping from untrusted input; undefined for anything else. The readers walk objects with it. */
export function fieldOf(value: unknown, key: string): unknown {
  return isMapping(value) ? value[key] : undefined;
}

/** The `spec` of an object (undefined when it has none or it is not a mapping). */
export function specOf(object: KubeObject): unknown {
  return fieldOf(object, 'spec');
}

/** A list from untrusted input; anything else is empty. */
export function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** The strings of a list from untrusted input. */
export function stringsOf(value: unknown): string[] {
  return listOf(value).filter((item): item is string => typeof item === 'string');
}

/** A string from untrusted input, or undefined. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A number from untrusted input, or undefined. */
export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Labels of an object's metadata. */
export function labelsOf(object: KubeObject): Labels {
  return stringMap(object.metadata.labels);
}

/** Annotations of an object's metadata. */
export function annotationsOf(object: KubeObject): Labels {
  return stringMap(object.metadata.annotations);
}
