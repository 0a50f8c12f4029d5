import { h, replaceChildren } from './dom';
import { buildFlowGraph, type FlowGraph } from './flow-graph';
import { EDGE_STYLES, flowMapSvg, NODE_MARKS } from './flow-map-svg';
import { layoutFlowGraph } from './graph-layout';
import { mountSvg } from './mount-svg';
import { svg } from './svg-spec';

export interface MapView {
  /** Draws the map of a definition (parsed JSON). */
  show(definition: unknown): FlowGraph;
  /** Keeps the last map but marks it out of date (the JSON does not parse). */
  stale(note: string): void;
  /** Shows a message instead of a map. */
  empty(note: string): void;
  /** Highlights the preview's current state (null: none). */
  highlight(state: string | null): void;
}

const ZOOMS = [0.4, 0.55, 0.7, 0.85, 1, 1.2, 1.5];
/** "Fit" shrinks a wide map to the pane, but not below this: past it the text is unreadable, so the pane scrolls. */
const MIN_FIT = 0.7;

/**
 * The map pane: the SVG flow map, zoom buttons and a legend. Clicking (or Enter on) a state
 * box calls `onState` with the state's path in the JSON.
 */
export function createMapView(
  host: HTMLElement,
  zoomHost: HTMLElement,
  legendHost: HTMLElement,
  onState: (path: string) => void,
): MapView {
  let current: string | null = null;
  let svgEl: SVGSVGElement | null = null;
  let size = { width: 0, height: 0 };
  let zoom: number | 'fit' = 'fit';

  const applyZoom = () => {
    if (!svgEl || size.width === 0) return;
    const scale =
      zoom === 'fit' ? Math.min(1, Math.max(MIN_FIT, (host.clientWidth - 24) / size.width)) : zoom;
    svgEl.setAttribute('width', String(Math.round(size.width * scale)));
    svgEl.setAttribute('height', String(Math.round(size.height * scale)));
    zoomHost.dataset.zoom = String(Math.round(scale * 100));
  };
  const step = (dir: 1 | -1) => {
    const now = Number(zoomHost.dataset.zoom ?? '100') / 100;
    const next =
      dir > 0
        ? ZOOMS.find((z) => z > now + 0.01)
        : [...ZOOMS].reverse().find((z) => z < now - 0.01);
    zoom = next ?? (dir > 0 ? ZOOMS[ZOOMS.length - 1] : ZOOMS[0]);
    applyZoom();
  };
  replaceChildren(
    zoomHost,
    h(
      'button',
      { type: 'button', title: 'Zoom out', 'aria-label': 'Zoom out', onclick: () => step(-1) },
      '−',
    ),
    h(
      'button',
      { type: 'button', title: 'Fit to pane', onclick: () => ((zoom = 'fit'), applyZoom()) },
      'Fit',
    ),
    h(
      'button',
      { type: 'button', title: 'Zoom in', 'aria-label': 'Zoom in', onclick: () => step(1) },
      '+',
    ),
  );
  new ResizeObserver(() => {
    if (zoom === 'fit') applyZoom();
  }).observe(host);

  replaceChildren(legendHost, ...legendItems());

  const activate = (event: Event) => {
    const node = (event.target as Element).closest('g.node[data-path]');
    const path = node?.getAttribute('data-path');
    if (path) onState(path);
  };
  host.addEventListener('click', activate);
  host.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      if ((event.target as Element).closest('g.node[data-path]')) {
        event.preventDefault();
        activate(event);
      }
    }
  });

  const mark = () => {
    host.querySelectorAll('g.node.current').forEach((n) => n.classList.remove('current'));
    if (current === null || !svgEl) return;
    for (const node of svgEl.querySelectorAll<SVGGElement>('g.node[data-kind="state"]')) {
      if (node.dataset.state === current) {
        node.classList.add('current');
        node.setAttribute('aria-current', 'step');
      } else node.removeAttribute('aria-current');
    }
  };

  return {
    show(definition) {
      const graph = buildFlowGraph(definition);
      host.classList.remove('stale');
      if (graph.nodes.length === 0) {
        svgEl = null;
        replaceChildren(
          host,
          h('p', { class: 'map-empty' }, 'No states yet: add some under "states".'),
        );
        return graph;
      }
      const layout = layoutFlowGraph(graph);
      size = { width: layout.width, height: layout.height };
      svgEl = mountSvg(flowMapSvg(layout)) as SVGSVGElement;
      replaceChildren(host, svgEl);
      applyZoom();
      mark();
      return graph;
    },
    stale(note) {
      host.classList.add('stale');
      host.querySelector('.map-note')?.remove();
      host.prepend(h('p', { class: 'map-note', role: 'status' }, note));
    },
    empty(note) {
      svgEl = null;
      host.classList.remove('stale');
      replaceChildren(host, h('p', { class: 'map-empty' }, note));
    },
    highlight(state) {
      current = state;
      mark();
      const node = host.querySelector('g.node.current');
      if (node && 'scrollIntoView' in node)
        node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
  };
}

/** The legend: one sample per arrow kind and per state mark. */
function legendItems(): HTMLElement[] {
  const arrows = Object.entries(EDGE_STYLES).map(([kind, style]) => {
    const sample = mountSvg(
      svg(
        'svg',
        { width: 26, height: 8, viewBox: '0 0 26 8', 'aria-hidden': 'true' },
        svg('line', {
          x1: 1,
          y1: 4,
          x2: 20,
          y2: 4,
          stroke: style.color,
          'stroke-width': 2,
          'stroke-dasharray': style.dash,
        }),
        svg('path', { d: 'M19,0 L26,4 L19,8 z', fill: style.color }),
      ),
    );
    return h('span', { 'data-kind': kind, title: style.hint }, sample, style.legend);
  });
  const marks = NODE_MARKS.map((m) => h('span', { 'data-mark': m.key }, swatch(m.key), m.legend));
  return [...arrows, ...marks];
}

function swatch(key: (typeof NODE_MARKS)[number]['key']): SVGElement {
  const look: Record<typeof key, { fill: string; stroke: string; dash?: string; width: number }> = {
    start: { fill: '#fff', stroke: '#2b8a3e', width: 2.4 },
    end: { fill: '#f1f3f5', stroke: '#343a40', width: 1.2 },
    unreachable: { fill: '#fff9db', stroke: '#e8590c', dash: '3 2', width: 1.2 },
    missing: { fill: '#fff5f5', stroke: '#e03131', dash: '3 2', width: 1.4 },
    current: { fill: '#fff', stroke: '#f76707', width: 3 },
  };
  const l = look[key];
  return mountSvg(
    svg(
      'svg',
      { width: 18, height: 12, viewBox: '0 0 18 12', 'aria-hidden': 'true' },
      svg('rect', {
        x: 1.5,
        y: 1.5,
        width: 15,
        height: 9,
        rx: 2,
        fill: l.fill,
        stroke: l.stroke,
        'stroke-width': l.width,
        'stroke-dasharray': l.dash,
      }),
    ),
  );
}
