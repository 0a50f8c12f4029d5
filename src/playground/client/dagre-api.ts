import * as dagre from '@dagrejs/dagre';

/**
 * The part of dagre the map uses, typed here: dagre 3's published declarations import
 * their own files without extensions, which `moduleResolution: nodenext` cannot follow, so
 * its exports would type as `any`. The shapes below are dagre's documented API.
 */
export interface DagreGraph {
  setGraph(label: Record<string, unknown>): DagreGraph;
  graph(): { width?: number; height?: number };
  setDefaultEdgeLabel(make: () => Record<string, unknown>): DagreGraph;
  setNode(id: string, label: { width: number; height: number }): DagreGraph;
  node(id: string): { x: number; y: number; width: number; height: number } | undefined;
  setEdge(from: string, to: string, label: Record<string, unknown>, name?: string): DagreGraph;
  edge(
    from: string,
    to: string,
    name?: string,
  ): { points?: Array<{ x: number; y: number }>; x?: number; y?: number } | undefined;
}

interface DagreApi {
  Graph: new (options?: {
    multigraph?: boolean;
    compound?: boolean;
    directed?: boolean;
  }) => DagreGraph;
  layout(graph: DagreGraph): void;
}

export const { Graph, layout } = dagre as unknown as DagreApi;
