/** How messages name a field of an input file: its path, written once for every reader of a schema. */

/** `a.b`, or `a["odd key"]` when the key is not a plain name. */
export function fieldPath(path: string, key: string): string {
  const segment = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key).slice(0, 80);
  return path === '' ? segment : `${path}.${segment}`;
}

/** The printed form of a path: `a.b[0]`, `a["odd key"]`. */
export function printPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : fieldPath(path, segment)), '');
}
