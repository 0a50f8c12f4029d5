import { checkTemplate } from './check-template';
import { childPath } from './json-path';
import type { ScanContext } from './scan-context';

/** Checks every string inside a JSON value (object values and list items, at any depth) as a template. */
export function checkTemplatesDeep(value: unknown, path: string, ctx: ScanContext): void {
  if (typeof value === 'string') {
    checkTemplate(value, path, ctx);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkTemplatesDeep(item, childPath(path, index), ctx));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value))
      checkTemplatesDeep(item, childPath(path, key), ctx);
  }
}
