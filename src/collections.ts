/** Small helpers for the indexes that several modules build. */

/** Appends `value` to the list `map` holds for `key`, creating the list on first use. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
