import { show } from './json-path';
import type { ScanContext } from './scan-context';

/** Checks a button or list-row id: a non-empty string, unique within the message. */
export function checkOptionId(
  value: unknown,
  path: string,
  ctx: ScanContext,
  seenIds: Map<string, string>,
): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    ctx.issues.error(
      path,
      `A button or list row needs a non-empty string "id" (found ${show(value)}).`,
    );
    return null;
  }
  const earlier = seenIds.get(value);
  if (earlier !== undefined) {
    ctx.issues.error(path, `Duplicate button id "${value}" in one message (also at ${earlier}).`);
    return null;
  }
  seenIds.set(value, path);
  return value;
}
