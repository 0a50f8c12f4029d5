import type { EdgeKind, FlowNode } from './flow-graph';
import {
  badgeLine,
  MAP_TEXT,
  type FlowLayout,
  type PlacedEdge,
  type PlacedNode,
  type Point,
} from './graph-layout';
import { round, svg, type SvgSpec } from './svg-spec';

/**
 * How each kind of arrow looks. Colours are SVG attributes (not CSS) so that the map reads
 * the same wherever it is shown; failure routes are dashed as well as red, for people who do
 * not tell red from green.
 */
export const EDGE_STYLES: Readonly<
  Record<EdgeKind, { color: string; dash?: string; legend: string; hint: string }>
> = {
  transition: {
    color: '#52606d',
    legend: 'transition',
    hint: 'A rule of the state: button or row id, keyword, pattern, condition, default, always',
  },
  global: {
    color: '#7048e8',
    dash: '2 3',
    legend: 'global',
    hint: 'A global transition: checked from any state',
  },
  condition: { color: '#d9480f', legend: 'condition', hint: 'A CONDITION action: then / else' },
  api_success: {
    color: '#2b8a3e',
    legend: 'API success',
    hint: 'API_CALL success_transition, or a 2xx status route',
  },
  api_failure: {
    color: '#e03131',
    dash: '6 4',
    legend: 'API failure',
    hint: 'API_CALL failure_transition, or a 4xx/5xx/timeout/network route',
  },
  max_retries: {
    color: '#a61e4d',
    dash: '1 3',
    legend: 'max retries',
    hint: 'input.on_max_retries: too many invalid replies',
  },
};

/** How the flags of a state are marked, for the legend. */
export const NODE_MARKS = [
  { key: 'start', legend: 'start' },
  { key: 'end', legend: 'end' },
  { key: 'unreachable', legend: 'unreachable' },
  { key: 'missing', legend: 'not a state' },
  { key: 'current', legend: 'current (preview)' },
] as const;

const COLORS = {
  box: '#ffffff',
  border: '#868e96',
  text: '#212529',
  muted: '#5c6670',
  start: '#2b8a3e',
  endFill: '#f1f3f5',
  end: '#343a40',
  unreachableFill: '#fff9db',
  unreachable: '#e8590c',
  missingFill: '#fff5f5',
  missing: '#e03131',
  globalFill: '#f3f0ff',
  global: '#7048e8',
};

const ARROW_ID = (kind: EdgeKind) => `fm-arrow-${kind}`;

/** The whole map as an SVG spec: arrows under boxes, each box and arrow addressable by data attributes. */
export function flowMapSvg(layout: FlowLayout): SvgSpec {
  const states = layout.nodes.filter((n) => n.node.kind === 'state').length;
  return svg(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'flow-map',
      'data-testid': 'map-svg',
      width: Math.max(layout.width, 1),
      height: Math.max(layout.height, 1),
      viewBox: `0 0 ${round(Math.max(layout.width, 1))} ${round(Math.max(layout.height, 1))}`,
      role: 'group',
      'aria-label': `Flow map: ${states} state${states === 1 ? '' : 's'}, ${layout.edges.length} arrow${layout.edges.length === 1 ? '' : 's'}`,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    },
    svg('defs', {}, ...Object.keys(EDGE_STYLES).map((kind) => arrowMarker(kind as EdgeKind))),
    svg('g', { class: 'edges' }, ...layout.edges.map(edgeSpec)),
    svg('g', { class: 'nodes' }, ...layout.nodes.map(nodeSpec)),
  );
}

function arrowMarker(kind: EdgeKind): SvgSpec {
  return svg(
    'marker',
    {
      id: ARROW_ID(kind),
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
      markerUnits: 'strokeWidth',
    },
    svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: EDGE_STYLES[kind].color }),
  );
}

function edgeSpec({ edge, points, label, labelWidth }: PlacedEdge): SvgSpec {
  const style = EDGE_STYLES[edge.kind];
  const name = (id: string) => id.replace(/^(state|missing):/, '');
  const h = MAP_TEXT.labelHeight;
  return svg(
    'g',
    {
      class: `edge kind-${edge.kind}`,
      'data-testid': 'map-edge',
      'data-kind': edge.kind,
      'data-from': name(edge.from),
      'data-to': name(edge.to),
      'data-path': edge.path,
    },
    svg('title', {}, `${name(edge.from)} → ${name(edge.to)}: ${edge.label}`),
    svg('path', {
      class: 'edge-line',
      d: curve(points),
      fill: 'none',
      stroke: style.color,
      'stroke-width': 1.6,
      'stroke-dasharray': style.dash,
      'marker-end': `url(#${ARROW_ID(edge.kind)})`,
    }),
    edge.label !== '' &&
      svg(
        'g',
        { class: 'edge-label' },
        svg('rect', {
          x: label.x - labelWidth / 2,
          y: label.y - h / 2,
          width: labelWidth,
          height: h,
          rx: 3,
          fill: '#ffffff',
          'fill-opacity': 0.92,
          stroke: style.color,
          'stroke-width': 0.6,
        }),
        svg(
          'text',
          {
            x: label.x,
            y: label.y,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
            'font-size': MAP_TEXT.labelSize,
            fill: style.color,
          },
          edge.label,
        ),
      ),
  );
}

function nodeSpec(placed: PlacedNode): SvgSpec {
  const { node, width, height } = placed;
  const t = MAP_TEXT;
  const look = nodeLook(node);
  const classes = ['node', node.kind];
  if (node.start) classes.push('start');
  if (node.end) classes.push('end');
  if (node.unreachable) classes.push('unreachable');
  const room = width - 2 * t.padding;
  const title = node.kind === 'missing' ? `⚠ ${node.name}` : node.name;
  const badges = badgeLine(node);
  let y = t.padding + t.nameSize - 2;
  const lines: SvgSpec[] = [
    svg(
      'text',
      {
        class: 'node-name',
        x: t.padding,
        y,
        'font-size': t.nameSize,
        'font-weight': 600,
        fill: look.text,
      },
      fit(title, room, t.nameCharWidth),
    ),
  ];
  for (const [text, cls, color] of [
    [node.summary, 'node-summary', COLORS.muted],
    [badges, 'node-badges', look.badge],
  ] as const) {
    if (text === '') continue;
    y += t.lineGap;
    lines.push(
      svg(
        'text',
        { class: cls, x: t.padding, y, 'font-size': t.smallSize, fill: color },
        fit(text, room, t.smallCharWidth),
      ),
    );
  }
  return svg(
    'g',
    {
      class: classes.join(' '),
      'data-testid': 'map-node',
      'data-state': node.name,
      'data-kind': node.kind,
      'data-path': node.path ?? undefined,
      transform: `translate(${round(placed.x - width / 2)},${round(placed.y - height / 2)})`,
      tabindex: node.path !== null ? 0 : undefined,
      role: node.path !== null ? 'button' : undefined,
      'aria-label': ariaLabel(node),
    },
    svg('title', {}, ariaLabel(node)),
    svg('rect', {
      class: 'box',
      width,
      height,
      rx: node.kind === 'global' ? height / 2 : 8,
      fill: look.fill,
      stroke: look.stroke,
      'stroke-width': look.strokeWidth,
      'stroke-dasharray': look.dash,
    }),
    node.end &&
      svg('rect', {
        class: 'end-ring',
        x: 3,
        y: 3,
        width: width - 6,
        height: height - 6,
        rx: 6,
        fill: 'none',
        stroke: COLORS.end,
        'stroke-width': 1,
      }),
    node.start &&
      svg(
        'g',
        { class: 'start-tag' },
        svg('rect', { x: 8, y: -8, width: 38, height: 14, rx: 7, fill: COLORS.start }),
        svg(
          'text',
          {
            x: 27,
            y: -1,
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
            'font-size': 9,
            'font-weight': 700,
            fill: '#ffffff',
          },
          'START',
        ),
      ),
    ...lines,
  );
}

function nodeLook(node: FlowNode): {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dash?: string;
  text: string;
  badge: string;
} {
  const base = {
    fill: COLORS.box,
    stroke: COLORS.border,
    strokeWidth: 1.2,
    text: COLORS.text,
    badge: '#1c7ed6',
  };
  if (node.kind === 'missing')
    return {
      ...base,
      fill: COLORS.missingFill,
      stroke: COLORS.missing,
      dash: '5 3',
      strokeWidth: 1.6,
      text: COLORS.missing,
    };
  if (node.kind === 'global')
    return { ...base, fill: COLORS.globalFill, stroke: COLORS.global, text: COLORS.global };
  const look = { ...base };
  if (node.end) Object.assign(look, { fill: COLORS.endFill, stroke: COLORS.end });
  if (node.unreachable)
    Object.assign(look, {
      fill: COLORS.unreachableFill,
      stroke: COLORS.unreachable,
      dash: '5 3',
      badge: COLORS.unreachable,
    });
  if (node.start) Object.assign(look, { stroke: COLORS.start, strokeWidth: 2.4 });
  return look;
}

function ariaLabel(node: FlowNode): string {
  if (node.kind === 'missing') return `"${node.name}" is used as a target but is not a state`;
  if (node.kind === 'global') return 'Global transitions: from any state';
  const flags = [node.start && 'start', node.end && 'end', node.unreachable && 'unreachable']
    .filter(Boolean)
    .join(', ');
  return `State ${node.name}${flags ? ` (${flags})` : ''}${node.summary ? `: ${node.summary}` : ''}`;
}

/** Cut to what fits in `room` px at `charWidth` px a character. */
function fit(text: string, room: number, charWidth: number): string {
  const max = Math.max(3, Math.floor(room / charWidth));
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A smooth path through dagre's points (Catmull-Rom as cubic Béziers): it passes through
 * every point, so it keeps out of the boxes dagre routed around.
 */
export function curve(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const p = (i: number) => points[Math.max(0, Math.min(points.length - 1, i))];
  let d = `M${round(points[0].x)},${round(points[0].y)}`;
  if (points.length === 2) return `${d} L${round(points[1].x)},${round(points[1].y)}`;
  for (let i = 0; i < points.length - 1; i++) {
    const [p0, p1, p2, p3] = [p(i - 1), p(i), p(i + 1), p(i + 2)];
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${round(c1.x)},${round(c1.y)} ${round(c2.x)},${round(c2.y)} ${round(p2.x)},${round(p2.y)}`;
  }
  return d;
}
