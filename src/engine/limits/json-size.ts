/**
 * Sizes of JSON values, in characters, for the bound on a session's variables. A value may
 * share one object many times (`{"a": "{{x}}", "b": "{{x}}"}` keeps `x` by reference, so a
 * loop doubles it at no cost) or be a sparse array (`list.99999999` written once): its JSON
 * is then far larger than its memory. Measuring stops as soon as `limit` is passed, and each
 * object small enough is measured once (`seen`), so the cost is bounded by `limit`, never by
 * the JSON text.
 *
 * The count is JSON.stringify's length except for escapes inside strings (a string counts its
 * length plus its quotes): close enough for a bound, and linear in nothing but `limit`.
 */
export type JsonSizeCache = WeakMap<object, number>;

/** The size of `value`, or `limit + 1` when it is larger than `limit`. */
export function jsonSize(value: unknown, limit: number, seen: JsonSizeCache = new WeakMap()) {
  return Math.min(measure(value, limit, seen), limit + 1);
}

function measure(value: unknown, limit: number, seen: JsonSizeCache): number {
  if (typeof value === 'string') return value.length + 2;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  // null; undefined, functions and symbols (left out of objects, `null` in lists).
  if (typeof value !== 'object' || value === null) return 4;
  const known = seen.get(value);
  if (known !== undefined) return known;
  const size = Array.isArray(value)
    ? measureArray(value as unknown[], limit, seen)
    : measureObject(value as Record<string, unknown>, limit, seen);
  // Only an exact size is remembered: a walk stopped at this call's limit says nothing of
  // the size under a larger one.
  if (size <= limit) seen.set(value, size);
  return size;
}

function measureArray(items: unknown[], limit: number, seen: JsonSizeCache): number {
  // Every item takes at least one character and a comma; a sparse array's holes are `null`.
  if (2 * items.length > limit + 1) return limit + 1;
  let size = 2 + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length && size <= limit; i++) {
    size += i in items ? measure(items[i], limit - size, seen) : 4;
  }
  return size;
}

function measureObject(object: Record<string, unknown>, limit: number, seen: JsonSizeCache) {
  let size = 2;
  let first = true;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const item = object[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    size += (first ? 0 : 1) + key.length + 3 + measure(item, limit - size, seen);
    first = false;
    if (size > limit) return size;
  }
  return size;
}
