/** Small helpers for the indexes that several modules build. */

/** Appends `value` to the list `map` holds for `key`, creating the list on first use. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The map `map` (a Map or WeakMap) holds for `key`, created empty on first use: for indexes nested by several keys. */
export function nested<K, K2, V>(map: { get(key: K): Map<K2, V> | undefined; set(key: K, value: Map<K2, V>): unknown }, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map<K2, V>()));
  return inner;
}
