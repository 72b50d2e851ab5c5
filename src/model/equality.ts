/** When two objects are the same desired state: what kubectl would apply is equal, whatever order their keys are in. */

/**
 * Structural equality of JSON-like values (objects as parsed from YAML or rendered by synthesis): mappings are
 * equal when they hold the same keys with equal values in any order, lists when they hold equal items in the
 * same order (their order is content). A key whose value is undefined counts as absent, as in JSON.
 */
export function sameObject(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameObject(a[i], b[i])) return false;
    return true;
  }
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  let keys = 0;
  for (const key in x) {
    if (x[key] === undefined) continue;
    if (!sameObject(x[key], y[key])) return false;
    keys++;
  }
  // Every defined key of x has its value in y: equal when y defines no other key.
  for (const key in y) if (y[key] !== undefined) keys--;
  return keys === 0;
}
