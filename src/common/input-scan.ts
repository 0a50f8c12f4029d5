import type { FieldError } from './domain-error';

/** How deep a request body may nest; flows, the deepest documents we take, stop at 64 too. */
export const MAX_INPUT_DEPTH = 64;

/**
 * The first thing in a request value that the server refuses to store or transform: a
 * string (value or key) holding NUL (PostgreSQL rejects 0x00 in text and JSON) or an unpaired
 * UTF-16 surrogate (it would round-trip as U+FFFD), or nesting past `maxDepth` (it would
 * overflow the stack of DTO transformation). Walks with an explicit stack, never recursion,
 * so any depth is safe to scan.
 */
export function findBadInput(
  value: unknown,
  root: string,
  maxDepth = MAX_INPUT_DEPTH,
): FieldError | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = badText(item.value);
      if (problem) return { path: item.path, message: `must not contain ${problem}` };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth)
      return { path: item.path, message: `is nested deeper than ${maxDepth} levels` };
    const isList = Array.isArray(item.value);
    for (const [key, child] of Object.entries(item.value)) {
      const path = isList ? `${item.path}[${key}]` : join(item.path, key);
      const problem = isList ? undefined : badText(key);
      if (problem) return { path, message: `has a field name containing ${problem}` };
      stack.push({ value: child, path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * A provider's text made storable instead of refused (a provider retries a refusal for days):
 * NUL dropped, an unpaired surrogate replaced by U+FFFD — what `findBadInput` refuses.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATES, '\uFFFD');
}

function badText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate';
  return undefined;
}

function join(base: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base === '' ? safe : `${base}.${safe}`;
}
