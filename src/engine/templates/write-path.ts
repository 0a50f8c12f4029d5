import { parsePath } from './read-path';

/**
 * Writes `value` at `path` inside `root`, copy-on-write: `root` itself is changed, but every
 * nested object or array on the way is replaced by a shallow copy, so values shared with the
 * caller's previous session (or with the compiled flow) are never mutated.
 * Returns false (and writes nothing) when the path is malformed or names a prototype key.
 */
export function writePath(root: Record<string, unknown>, path: string, value: unknown): boolean {
  const segments = parsePath(path);
  if (segments === null) return false;
  let parent: Record<string, unknown> = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i];
    const nextKey = segments[i + 1];
    const existing = Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
    let copy: Record<string, unknown>;
    if (Array.isArray(existing)) {
      copy = [...(existing as unknown[])] as unknown as Record<string, unknown>;
    } else if (existing !== null && typeof existing === 'object') {
      copy = { ...(existing as Record<string, unknown>) };
    } else {
      copy = /^\d+$/.test(nextKey) ? ([] as unknown as Record<string, unknown>) : {};
    }
    parent[key] = copy;
    parent = copy;
  }
  parent[segments[segments.length - 1]] = value;
  return true;
}
