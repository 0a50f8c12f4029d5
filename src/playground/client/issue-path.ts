/**
 * Reads a validation path (`states.menu.buttons[1].id`, `states["my state"].message`, `""`)
 * back into its keys and indexes. The syntax is the one the server's validator writes
 * (src/engine/validator/json-path.ts › childPath): plain keys (letters, digits, `_`, `$`,
 * `-`) after a dot, list indexes as `[n]`, and any other key as a JSON string in brackets.
 * Returns null for text that is not such a path.
 */
export function parseIssuePath(path: string): Array<string | number> | null {
  const segments: Array<string | number> = [];
  let pos = 0;
  while (pos < path.length) {
    const ch = path[pos];
    if (ch === '[') {
      const close = bracketEnd(path, pos);
      if (close === -1) return null;
      const inner = path.slice(pos + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (inner.startsWith('"')) {
        const key = readJsonString(inner);
        if (key === null) return null;
        segments.push(key);
      } else return null;
      pos = close + 1;
      continue;
    }
    // A plain key: first in the path, or after a dot.
    if (segments.length > 0) {
      if (ch !== '.') return null;
      pos++;
    }
    const match = PLAIN_KEY.exec(path.slice(pos));
    if (!match) return null;
    segments.push(match[0]);
    pos += match[0].length;
  }
  return segments;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+/;

/** The `]` closing the bracket opened at `open`, skipping a quoted key's contents. */
function bracketEnd(path: string, open: number): number {
  if (path[open + 1] !== '"') return path.indexOf(']', open);
  for (let i = open + 2; i < path.length; i++) {
    if (path[i] === '\\') i++;
    else if (path[i] === '"') return path[i + 1] === ']' ? i + 1 : -1;
  }
  return -1;
}

function readJsonString(quoted: string): string | null {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
