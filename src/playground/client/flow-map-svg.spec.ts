import { buildFlowGraph } from './flow-graph';
import { curve, EDGE_STYLES, flowMapSvg } from './flow-map-svg';
import { layoutFlowGraph } from './graph-layout';
import { allElements, textOf, type SvgSpec } from './svg-spec';

const FLOW = {
  start: 'menu',
  global_transitions: [{ keywords: ['menu'], to: 'menu' }],
  states: {
    menu: {
      message: 'Pick one',
      buttons: [
        { id: 'order', title: 'Order' },
        { id: 'help', title: 'Help' },
      ],
      transitions: { order: 'fetch', help: 'helpp', default: 'menu' },
    },
    fetch: {
      actions: [
        {
          type: 'API_CALL',
          url: 'https://api.example.com/x',
          success_transition: 'done',
          failure_transition: 'sorry',
        },
      ],
    },
    done: { message: 'Done', end: true },
    sorry: { message: 'Sorry', end: true },
    orphan: { message: 'Nobody comes here', end: true },
  },
};

function render(flow: unknown): SvgSpec {
  return flowMapSvg(layoutFlowGraph(buildFlowGraph(flow)));
}

const byClass = (root: SvgSpec, cls: string) =>
  allElements(root).filter((e) => (e.attrs.class ?? '').split(' ').includes(cls));
const nodeNamed = (root: SvgSpec, name: string) =>
  allElements(root).find(
    (e) => e.attrs['data-testid'] === 'map-node' && e.attrs['data-state'] === name,
  )!;
const edgesOf = (root: SvgSpec, kind: string) =>
  allElements(root).filter(
    (e) => e.attrs['data-testid'] === 'map-edge' && e.attrs['data-kind'] === kind,
  );
const child = (el: SvgSpec, tag: string) =>
  el.children.find((c): c is SvgSpec => typeof c !== 'string' && c.tag === tag)!;

describe('flowMapSvg', () => {
  const map = render(FLOW);

  it('is an svg sized to the layout, with one box per state and one arrow per edge', () => {
    expect(map.tag).toBe('svg');
    expect(map.attrs['data-testid']).toBe('map-svg');
    expect(Number(map.attrs.width)).toBeGreaterThan(100);
    expect(map.attrs.viewBox).toBe(`0 0 ${map.attrs.width} ${map.attrs.height}`);
    const states = allElements(map).filter(
      (e) => e.attrs['data-kind'] === 'state' && e.tag === 'g',
    );
    expect(states.map((s) => s.attrs['data-state'])).toEqual([
      'menu',
      'fetch',
      'done',
      'sorry',
      'orphan',
    ]);
    expect(allElements(map).filter((e) => e.attrs['data-testid'] === 'map-edge')).toHaveLength(6);
    expect(map.attrs['aria-label']).toBe('Flow map: 5 states, 6 arrows');
  });

  it('marks the start, end, unreachable and missing states', () => {
    const menu = nodeNamed(map, 'menu');
    expect(menu.attrs.class).toBe('node state start');
    expect(textOf(byClass(menu, 'start-tag')[0])).toBe('START');
    expect(child(menu, 'rect').attrs.stroke).toBe('#2b8a3e');

    const done = nodeNamed(map, 'done');
    expect(done.attrs.class).toBe('node state end');
    expect(byClass(done, 'end-ring')).toHaveLength(1);

    const orphan = nodeNamed(map, 'orphan');
    expect(orphan.attrs.class).toBe('node state end unreachable');
    expect(child(orphan, 'rect').attrs['stroke-dasharray']).toBe('5 3');
    expect(textOf(byClass(orphan, 'node-badges')[0])).toBe('unreachable');

    const missing = nodeNamed(map, 'helpp');
    expect(missing.attrs['data-kind']).toBe('missing');
    expect(textOf(byClass(missing, 'node-name')[0])).toBe('⚠ helpp');
    expect(missing.attrs.tabindex).toBeUndefined();
  });

  it('makes state boxes focusable buttons that carry their path', () => {
    const fetch = nodeNamed(map, 'fetch');
    expect(fetch.attrs).toMatchObject({
      tabindex: '0',
      role: 'button',
      'data-path': 'states.fetch',
    });
    expect(fetch.attrs['aria-label']).toBe('State fetch');
    expect(fetch.attrs.transform).toMatch(/^translate\([\d.]+,[\d.]+\)$/);
  });

  it('draws API_CALL routes green and dashed red, with arrowheads and labels', () => {
    const [success] = edgesOf(map, 'api_success');
    const [failure] = edgesOf(map, 'api_failure');
    const line = (e: SvgSpec) => byClass(e, 'edge-line')[0];
    expect(line(success).attrs).toMatchObject({
      stroke: EDGE_STYLES.api_success.color,
      'marker-end': 'url(#fm-arrow-api_success)',
    });
    expect(line(success).attrs['stroke-dasharray']).toBeUndefined();
    expect(line(failure).attrs).toMatchObject({ stroke: '#e03131', 'stroke-dasharray': '6 4' });
    expect(success.attrs).toMatchObject({ 'data-from': 'fetch', 'data-to': 'done' });
    expect(textOf(byClass(failure, 'edge-label')[0])).toBe('failure');
    const markers = allElements(map)
      .filter((e) => e.tag === 'marker')
      .map((m) => m.attrs.id);
    expect(markers).toEqual(Object.keys(EDGE_STYLES).map((k) => `fm-arrow-${k}`));
  });

  it('labels transitions with their button ids and keywords', () => {
    const labels = allElements(map)
      .filter((e) => e.attrs['data-testid'] === 'map-edge')
      .map((e) => `${e.attrs['data-kind']}:${textOf(byClass(e, 'edge-label')[0])}`);
    expect(labels).toEqual([
      'global:"menu"',
      'transition:order',
      'transition:help',
      'transition:default',
      'api_success:success',
      'api_failure:failure',
    ]);
    expect(nodeNamed(map, 'any state').attrs['data-kind']).toBe('global');
  });

  it('shortens a name that does not fit its box', () => {
    const long = render({
      start: 'a',
      states: { a: { end: true }, ['x'.repeat(60)]: { end: true } },
    });
    const node = allElements(long).find((e) => e.attrs['data-state'] === 'x'.repeat(60))!;
    const name = textOf(byClass(node, 'node-name')[0]);
    expect(name.endsWith('…')).toBe(true);
    expect(Array.from(name).length).toBeLessThan(60);
  });

  it('keeps markup out of text', () => {
    const evil = render({
      start: '<b>',
      states: { '<b>': { message: '<script>x</script>', end: true } },
    });
    const texts = allElements(evil).flatMap((e) => e.children.filter((c) => typeof c === 'string'));
    expect(texts).toContain('<b>');
    expect(allElements(evil).some((e) => e.tag === 'script' || e.tag === 'b')).toBe(false);
  });
});

describe('curve', () => {
  it('is a line between two points and passes through every point of longer routes', () => {
    expect(
      curve([
        { x: 0, y: 0 },
        { x: 10, y: 5 },
      ]),
    ).toBe('M0,0 L10,5');
    const d = curve([
      { x: 0, y: 0 },
      { x: 10, y: 10 },
      { x: 20, y: 0 },
    ]);
    expect(d.startsWith('M0,0 C')).toBe(true);
    expect(d).toContain(' 10,10 C');
    expect(d.endsWith(' 20,0')).toBe(true);
    expect(curve([])).toBe('');
  });
});
