/** Every state reachable in one or more steps from `from` (so `from` itself only via a cycle). */
export function reachableFrom(
  from: Iterable<string>,
  successors: Map<string, Set<string>>,
): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const name of from) queue.push(...(successors.get(name) ?? []));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(successors.get(name) ?? []));
  }
  return seen;
}
