/**
 * A small, safe reader for dot paths such as `order.items[0].sku` or `a.[0].b`.
 * Only own properties are read, and the prototype keys `__proto__`, `constructor` and
 * `prototype` are never followed: a path naming one of them reads as `undefined`.
 */

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for the keys that must never be read or written through a path. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

const MAX_CACHED_PATHS = 10_000;
const parsedPaths = new Map<string, readonly string[] | null>();

/**
 * Splits a path into its segments; `null` when it is malformed or names a prototype key.
 * Results are cached: flows use a small, fixed set of paths.
 */
export function parsePath(path: string): readonly string[] | null {
  const cached = parsedPaths.get(path);
  if (cached !== undefined) return cached;
  const parsed = splitPath(path);
  if (parsedPaths.size >= MAX_CACHED_PATHS) parsedPaths.clear();
  parsedPaths.set(path, parsed);
  return parsed;
}

function splitPath(path: string): readonly string[] | null {
  const segments: string[] = [];
  let current = '';
  let i = 0;
  const flush = (): void => {
    if (current !== '') segments.push(current);
    current = '';
  };
  while (i < path.length) {
    const ch = path[i];
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const close = path.indexOf(']', i);
      if (close < 0) return null;
      let inner = path.slice(i + 1, close).trim();
      if (
        inner.length >= 2 &&
        (inner[0] === '"' || inner[0] === "'") &&
        inner[inner.length - 1] === inner[0]
      ) {
        inner = inner.slice(1, -1);
      }
      if (inner === '') return null;
      segments.push(inner);
      i = close + 1;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  if (segments.length === 0) return null;
  for (const segment of segments) if (FORBIDDEN_KEYS.has(segment)) return null;
  return segments;
}

/** Reads one own property; `length` of strings and arrays is allowed too. */
export function readOwn(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return key === 'length' ? value.length : undefined;
  if (typeof value !== 'object') return undefined;
  if (FORBIDDEN_KEYS.has(key)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Reads `path` from `root`; `undefined` when any step is missing or forbidden. */
export function readPath(root: unknown, path: string): unknown {
  const segments = parsePath(path);
  if (segments === null) return undefined;
  return readSegments(root, segments);
}

export function readSegments(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    value = readOwn(value, segment);
    if (value === undefined) return undefined;
  }
  return value;
}
