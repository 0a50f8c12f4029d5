import { Graph, layout } from './dagre-api';
import type { FlowEdge, FlowGraph, FlowNode } from './flow-graph';

export interface Point {
  x: number;
  y: number;
}

/** A node with its box: `x`, `y` are its centre (dagre's convention). */
export interface PlacedNode {
  node: FlowNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  edge: FlowEdge;
  /** From the border of the source box to the border of the target box. */
  points: Point[];
  /** Centre of the label. */
  label: Point;
  labelWidth: number;
}

export interface FlowLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/**
 * Sizes of the map's text (px), shared with the SVG renderer so boxes fit what they show.
 * Widths are estimated from the character count: measuring needs a DOM, and the layout is
 * pure so that it can be tested; the estimates are a little generous.
 */
export const MAP_TEXT = {
  nameSize: 13,
  nameCharWidth: 7.6,
  smallSize: 11,
  smallCharWidth: 6.3,
  labelSize: 10.5,
  labelCharWidth: 6,
  labelHeight: 16,
  padding: 12,
  lineGap: 15,
} as const;

const MIN_WIDTH = 120;
const MAX_WIDTH = 280;

const chars = (text: string) => Array.from(text).length;

/** The box a node needs: its name, a line of message and a line of badges. */
export function nodeSize(node: FlowNode): { width: number; height: number } {
  const t = MAP_TEXT;
  const lines = [
    chars(node.name) * t.nameCharWidth,
    chars(node.summary) * t.smallCharWidth,
    chars(badgeLine(node)) * t.smallCharWidth,
  ];
  const width = Math.min(
    MAX_WIDTH,
    Math.max(MIN_WIDTH, Math.ceil(Math.max(...lines)) + 2 * t.padding),
  );
  const rows = 1 + (node.summary ? 1 : 0) + (badgeLine(node) ? 1 : 0);
  return { width, height: 2 * t.padding + t.nameSize + (rows - 1) * t.lineGap };
}

/** What the last line of a box says: the badges, and the flags that have no other mark. */
export function badgeLine(node: FlowNode): string {
  const parts = [...node.badges];
  if (node.unreachable) parts.unshift('unreachable');
  return parts.join(' · ');
}

/** Places the map with dagre: top to bottom, start first, room left for the edge labels. */
export function layoutFlowGraph(graph: FlowGraph): FlowLayout {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, edgesep: 14, ranksep: 46, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  // The start state first, so that dagre puts it on the top rank when it can.
  const ordered = [...graph.nodes].sort((a, b) => Number(b.start) - Number(a.start));
  for (const node of ordered) g.setNode(node.id, nodeSize(node));
  for (const edge of graph.edges) {
    g.setEdge(
      edge.from,
      edge.to,
      {
        width: labelWidth(edge.label),
        height: MAP_TEXT.labelHeight,
        labelpos: 'c',
        // Back edges (to the start, to a menu) should not pull their source up.
        weight: edge.kind === 'global' ? 0.5 : 1,
      },
      edge.id,
    );
  }
  layout(g);
  const nodes = graph.nodes.map((node): PlacedNode => {
    const n = g.node(node.id) ?? { x: 0, y: 0, ...nodeSize(node) };
    return { node, x: n.x, y: n.y, width: n.width, height: n.height };
  });
  const placed = new Map(nodes.map((n) => [n.node.id, n]));
  const edges = graph.edges.map((edge): PlacedEdge => {
    const e = g.edge(edge.from, edge.to, edge.id) ?? {};
    const width = labelWidth(edge.label);
    const node = placed.get(edge.from);
    if (edge.from === edge.to && node && e.x !== undefined && e.y !== undefined)
      return { edge, ...selfLoop(node, { x: e.x, y: e.y }, width), labelWidth: width };
    const points = (e.points ?? []).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const middle = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return { edge, points, label: { x: e.x ?? middle.x, y: e.y ?? middle.y }, labelWidth: width };
  });
  const size = g.graph();
  return { nodes, edges, width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0) };
}

/**
 * A loop on the right side of a box, within the room dagre kept there for its label (dagre
 * 3's own self-edge points overshoot that room by half the box's width).
 */
function selfLoop(
  node: PlacedNode,
  label: Point,
  width: number,
): { points: Point[]; label: Point } {
  const right = node.x + node.width / 2;
  const apex = Math.max(right + 14, Math.min(right + 28, label.x - width / 2 - 2));
  const dy = node.height / 4;
  return {
    points: [
      { x: right, y: node.y - dy },
      { x: apex, y: node.y - dy * 1.4 },
      { x: apex, y: node.y + dy * 1.4 },
      { x: right, y: node.y + dy },
    ],
    label: { x: Math.max(label.x, apex + 2 + width / 2), y: node.y },
  };
}

function labelWidth(label: string): number {
  return label === '' ? 0 : Math.ceil(chars(label) * MAP_TEXT.labelCharWidth) + 8;
}
