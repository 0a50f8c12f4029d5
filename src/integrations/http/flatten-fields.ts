/**
 * Flattens a body object into form fields the way PHP/Rails/qs read them:
 * `{a: {b: 1}, c: [x, y]}` → `a[b]=1`, `c[0]=x`, `c[1]=y`. `null`/`undefined` become an
 * empty string; empty objects and arrays produce no field.
 */
export function flattenFields(value: Record<string, unknown>): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const seen = new Set<object>();
  const visit = (name: string, item: unknown): void => {
    if (item === null || item === undefined) {
      fields.push([name, '']);
    } else if (Array.isArray(item)) {
      if (seen.has(item)) throw new TypeError('circular body');
      seen.add(item);
      item.forEach((child, index) => visit(`${name}[${index}]`, child));
      seen.delete(item);
    } else if (item instanceof Date) {
      fields.push([name, item.toISOString()]);
    } else if (typeof item === 'object') {
      if (seen.has(item)) throw new TypeError('circular body');
      seen.add(item);
      for (const [key, child] of Object.entries(item)) visit(`${name}[${key}]`, child);
      seen.delete(item);
    } else if (typeof item === 'string') {
      fields.push([name, item]);
    } else if (typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint') {
      fields.push([name, String(item)]);
    } else {
      throw new TypeError('body holds a value that cannot be sent as a form field');
    }
  };
  for (const [key, item] of Object.entries(value)) visit(key, item);
  return fields;
}
