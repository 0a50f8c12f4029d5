import { parseIssuePath } from './issue-path';
import { parseJsonTree, type JsonNode } from './json-tree';

/** Where a path points in the JSON source: what to select, and the value itself. */
export interface JsonLocation {
  /** The range to select: the property's key, an array item that is a scalar, or the opening bracket of a container item. */
  from: number;
  to: number;
  /** The value the path names. */
  valueFrom: number;
  valueTo: number;
  /**
   * False when only the start of the path exists in the text (a warning about something
   * missing, like `states.menu.transitions` on a state without transitions, or a text edited
   * since the check): the location is then the deepest part that exists.
   */
  exact: boolean;
}

/**
 * Maps a validation path to a place in the JSON source it was found in (or the parsed tree
 * of that source). Keys appearing twice in one object resolve to the last one, as
 * `JSON.parse` (and so the server) reads them. Null when the source is not valid JSON or the
 * path cannot be read.
 */
export function locateJsonPath(source: string | JsonNode, path: string): JsonLocation | null {
  const segments = parseIssuePath(path);
  if (segments === null) return null;
  let root: JsonNode;
  try {
    root = typeof source === 'string' ? parseJsonTree(source) : source;
  } catch {
    return null;
  }
  let node = root;
  let location = itemLocation(root);
  for (const segment of segments) {
    const next = step(node, segment);
    if (next === null) return { ...location, exact: false };
    node = next.node;
    location = next.location;
  }
  return { ...location, exact: true };
}

type Place = Omit<JsonLocation, 'exact'>;

function step(
  node: JsonNode,
  segment: string | number,
): { node: JsonNode; location: Place } | null {
  if (typeof segment === 'number') {
    if (node.kind !== 'array') return null;
    const item = node.items[segment];
    return item ? { node: item, location: itemLocation(item) } : null;
  }
  if (node.kind !== 'object') return null;
  const property = node.properties.findLast((p) => p.key === segment);
  if (!property) return null;
  return {
    node: property.value,
    location: {
      from: property.keyStart,
      to: property.keyEnd,
      valueFrom: property.value.start,
      valueTo: property.value.end,
    },
  };
}

/** A value without a key: a scalar is selected whole, a container by its opening bracket. */
function itemLocation(node: JsonNode): Place {
  const container = node.kind === 'object' || node.kind === 'array';
  return {
    from: node.start,
    to: container ? node.start + 1 : node.end,
    valueFrom: node.start,
    valueTo: node.end,
  };
}
