import { shortenText } from '../normalise/shorten-text';
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Appends a key or index to a path: `states.greeting`, `transitions[2]`, and
 * `states["my state"]` for keys that would be ambiguous after a dot.
 */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const segment = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (base === '') return segment.startsWith('[') ? segment : key;
  return segment.startsWith('[') ? `${base}${segment}` : `${base}.${segment}`;
}

/** Quotes a value for a message: strings in double quotes, the rest as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return shortenText(text, 60, '...');
}
