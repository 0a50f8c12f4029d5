/**
 * Nesting depth of a JSON value: a scalar is 0, `{}` and `[]` are 1, `{"a": []}` is 2.
 * Iterative, so a hostile, very deep document cannot overflow the stack.
 */
export function measureDepth(value: unknown): number {
  let max = 0;
  const seen = new WeakSet<object>();
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const level = depth + 1;
    if (level > max) max = level;
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, level]);
    }
  }
  return max;
}
