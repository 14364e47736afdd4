// A Map as a bounded cache, in the order of use: whatever ids pages ask for, it holds at most `max`.

/** Makes `value` the most recently used under `key`, dropping the least recently used past `max`; returns `value`. */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}
