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

/**
 * Untrusted input as the readers walk it: any field may be missing or of any type. Reading a field of a
 * string or a number gives undefined, so `raw(value)?.field` is safe for any value. Named field reads (not
 * `value[key]` with a variable key) keep each read site fast: every object of every phase is read.
 */
export type Raw = Readonly<Record<string, unknown>> | null | undefined;

/** `value` to be read field by field (see {@link Raw}). */
export function raw(value: unknown): Raw {
  return value as Raw;
}

/** The `spec` of an object, to be read field by field. */
export function specOf(object: KubeObject): Raw {
  return raw(object.spec);
}

/** A list from untrusted input; anything else is empty. */
export function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : NONE;
}

/** No items: shared by every view of an absent list (views are read-only, most lists of most objects are absent). */
export const NONE: readonly never[] = Object.freeze([]);

/** The strings of a list from untrusted input (the list itself when it holds only strings: views never change it). */
export function stringsOf(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) return NONE;
  for (const item of value) if (typeof item !== 'string') return value.filter((text): text is string => typeof text === 'string');
  return value as string[];
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

/**
 * Annotation of a running Deployment that an adoption carries over unchanged (on the Deployment, not its pod
 * template, so that adding it rolls no pod): its pods were serving before the plan and keep serving until the plan
 * removes them, so state rules about how new pods join traffic (a readiness probe) do not apply to it.
 */
export const ADOPTED_ANNOTATION = 'phased-rollout.dev/adopted';

/** Whether a Deployment is one running before its adoption ({@link ADOPTED_ANNOTATION}). */
export function isAdopted(object: KubeObject): boolean {
  return stringMap((raw(object.metadata) ?? {}).annotations)[ADOPTED_ANNOTATION] !== undefined;
}
