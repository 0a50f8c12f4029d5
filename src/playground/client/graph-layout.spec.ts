import seedFlows from '../../engine/testing/seed-flows.json';
import { buildFlowGraph } from './flow-graph';
import { layoutFlowGraph, nodeSize, type FlowLayout, type PlacedNode } from './graph-layout';

const seeds = seedFlows as Array<{ name: string; flow: Record<string, unknown> }>;
const seed = (name: string) => seeds.find((s) => s.name === name)!.flow;

const overlap = (a: PlacedNode, b: PlacedNode) =>
  Math.abs(a.x - b.x) < (a.width + b.width) / 2 && Math.abs(a.y - b.y) < (a.height + b.height) / 2;

/** Whether a point lies on the border of a node's box (within a pixel). */
function onBorder(p: { x: number; y: number }, n: PlacedNode): boolean {
  const dx = Math.abs(p.x - n.x) - n.width / 2;
  const dy = Math.abs(p.y - n.y) - n.height / 2;
  return (Math.abs(dx) < 1 && dy < 1) || (Math.abs(dy) < 1 && dx < 1);
}

function check(layout: FlowLayout): void {
  for (const [i, a] of layout.nodes.entries()) {
    expect(a.x - a.width / 2).toBeGreaterThanOrEqual(0);
    expect(a.y - a.height / 2).toBeGreaterThanOrEqual(0);
    expect(a.x + a.width / 2).toBeLessThanOrEqual(layout.width);
    expect(a.y + a.height / 2).toBeLessThanOrEqual(layout.height);
    for (const b of layout.nodes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
  }
}

describe('layoutFlowGraph', () => {
  it('places every state of every example flow without overlaps, inside the drawing', () => {
    for (const { flow } of seeds) {
      const graph = buildFlowGraph(flow);
      const layout = layoutFlowGraph(graph);
      expect(layout.nodes.map((n) => n.node.id)).toEqual(graph.nodes.map((n) => n.id));
      expect(layout.edges.map((e) => e.edge.id)).toEqual(graph.edges.map((e) => e.id));
      check(layout);
    }
  });

  it('runs every arrow from the border of its source to the border of its target', () => {
    const layout = layoutFlowGraph(buildFlowGraph(seed('readme-example')));
    const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
    for (const { edge, points } of layout.edges) {
      expect(points.length).toBeGreaterThanOrEqual(2);
      if (edge.from === edge.to) continue;
      expect(onBorder(points[0], byId.get(edge.from)!)).toBe(true);
      expect(onBorder(points[points.length - 1], byId.get(edge.to)!)).toBe(true);
    }
  });

  it('puts the start state on top', () => {
    const layout = layoutFlowGraph(buildFlowGraph(seed('e2e-chat-order')));
    const start = layout.nodes.find((n) => n.node.start)!;
    const top = Math.min(...layout.nodes.filter((n) => n.node.kind === 'state').map((n) => n.y));
    expect(start.y).toBe(top);
  });

  it('keeps parallel arrows between two states apart, labels included', () => {
    const layout = layoutFlowGraph(
      buildFlowGraph({
        start: 'a',
        states: { a: { transitions: { x: 'b', y: 'b', default: 'b' } }, b: { end: true } },
      }),
    );
    expect(layout.edges).toHaveLength(3);
    const labels = layout.edges.map((e) => `${Math.round(e.label.x)},${Math.round(e.label.y)}`);
    expect(new Set(labels).size).toBe(3);
  });

  it('draws a self-loop on the right of its box, inside the drawing', () => {
    const layout = layoutFlowGraph(
      buildFlowGraph({
        start: 'a',
        states: { a: { transitions: { go: 'b', default: 'a' } }, b: { end: true } },
      }),
    );
    const a = layout.nodes[0];
    const loop = layout.edges.find((e) => e.edge.label === 'default')!;
    const right = a.x + a.width / 2;
    expect(loop.points.length).toBeGreaterThan(2);
    expect(loop.points[0].x).toBe(right);
    expect(loop.points[loop.points.length - 1].x).toBe(right);
    for (const p of loop.points) {
      expect(p.x).toBeGreaterThanOrEqual(right);
      expect(p.x).toBeLessThanOrEqual(layout.width);
    }
    expect(loop.label.x - loop.labelWidth / 2).toBeGreaterThan(
      Math.max(...loop.points.map((p) => p.x)),
    );
    expect(loop.label.x + loop.labelWidth / 2).toBeLessThanOrEqual(layout.width);
  });

  it('sizes boxes to their text, within bounds', () => {
    const base = {
      id: 'state:x',
      kind: 'state' as const,
      path: 'states.x',
      start: false,
      end: false,
      unreachable: false,
    };
    const small = nodeSize({ ...base, name: 'x', summary: '', badges: [] });
    const long = nodeSize({ ...base, name: 'x'.repeat(80), summary: 'Hi', badges: ['API'] });
    expect(small.width).toBe(120);
    expect(long.width).toBe(280);
    expect(long.height).toBeGreaterThan(small.height);
  });

  it('lays out an empty map', () => {
    expect(layoutFlowGraph(buildFlowGraph({}))).toMatchObject({ nodes: [], edges: [] });
  });
});
