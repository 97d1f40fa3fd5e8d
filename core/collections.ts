/** The map's value for `key`, created by `make` (and stored) when there is none yet. */
export function getOrInit<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
