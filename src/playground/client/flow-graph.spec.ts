import seedFlows from '../../engine/testing/seed-flows.json';
import { validateFlow } from '../../engine/validator';
import { buildFlowGraph, describeCondition, type FlowGraph } from './flow-graph';

const seeds = seedFlows as Array<{ name: string; flow: Record<string, unknown> }>;
const seed = (name: string) => seeds.find((s) => s.name === name)!.flow;

/** Edges as `from -kind:label-> to` with plain names, for readable expectations. */
function arrows(graph: FlowGraph): string[] {
  const name = (id: string) => id.replace(/^(state|missing):/, '');
  return graph.edges.map((e) => `${name(e.from)} -${e.kind}:${e.label}-> ${name(e.to)}`);
}

const node = (graph: FlowGraph, name: string) => graph.nodes.find((n) => n.name === name)!;

describe('buildFlowGraph', () => {
  it('draws the README example: buttons, input default, API routes, conditions, globals', () => {
    const graph = buildFlowGraph(seed('readme-example'));
    expect(graph.start).toBe('menu');
    expect(graph.nodes.filter((n) => n.kind === 'state').map((n) => n.name)).toEqual([
      'menu',
      'ask_order',
      'fetch',
      'show',
      'not_found',
      'oops',
      'human',
      'bye',
    ]);
    expect(arrows(graph)).toEqual([
      'global -global:"menu" / "anza"-> menu',
      'menu -transition:status-> ask_order',
      'menu -transition:agent-> human',
      'ask_order -transition:input → order_id-> fetch',
      'ask_order -max_retries:max retries-> human',
      'fetch -api_failure:404-> not_found',
      'fetch -api_success:success-> show',
      'fetch -api_failure:failure-> oops',
      'show -transition:if order.status eq "delivered"-> bye',
      'show -transition:default-> menu',
      'not_found -transition:always-> menu',
    ]);
    expect(node(graph, 'menu')).toMatchObject({
      start: true,
      end: false,
      path: 'states.menu',
      summary: 'Hello {{contact_name}}! What would you …',
      badges: ['2 buttons'],
    });
    expect(node(graph, 'bye').end).toBe(true);
    expect(node(graph, 'fetch').badges).toEqual(['API']);
    expect(node(graph, 'human').badges).toEqual(['handoff']);
    expect(node(graph, 'ask_order').badges).toEqual(['input text']);
    expect(graph.nodes[0]).toMatchObject({ id: 'global', kind: 'global' });
    expect(graph.nodes.some((n) => n.unreachable)).toBe(false);
  });

  it('labels every spelling of list-form rules', () => {
    const graph = buildFlowGraph(seed('docs-transitions-and-conditions'));
    const labels = graph.edges.filter((e) => e.from !== 'state:menu').map((e) => e.label);
    expect(labels).toEqual([
      'faq',
      '"hours" / "saa"',
      '/^\\d{6}$/',
      'if order.status eq "shipped"',
      'default',
      'always if cart.total gte 10000',
      'always',
      'if all(order.status eq "shipped", a…',
      'default',
      'default',
      'always',
    ]);
    // `{"to": "menu"}` as a map value is a target too.
    expect(arrows(graph)).toContain('talk_to_support -transition:default-> menu');
  });

  it('keeps where each target is written', () => {
    const graph = buildFlowGraph(seed('docs-api-call'));
    const byLabel = (label: string) => graph.edges.find((e) => e.label === label)!;
    expect(byLabel('404').path).toBe('states.ticket_created.actions[0].status_transitions.404');
    expect(byLabel('5xx')).toMatchObject({ kind: 'api_failure', to: 'state:try_later' });
    expect(graph.edges.find((e) => e.kind === 'api_success')!.path).toBe(
      'states.fetch.actions[0].success_transition',
    );
  });

  it('draws no route for a fire-and-forget call, and gives up on reachability with directives', () => {
    const graph = buildFlowGraph(seed('docs-api-call'));
    // welcome_back: a fire-and-forget call (no routes), then a directives call with a failure route.
    expect(arrows(graph).filter((a) => a.startsWith('welcome_back'))).toEqual([
      'welcome_back -transition:default-> sign_up',
      'welcome_back -api_failure:failure-> order_error',
    ]);
    expect(graph.reachabilityKnown).toBe(false);
    expect(graph.nodes.some((n) => n.unreachable)).toBe(false);
  });

  it('turns a target that is not a state into a missing node, once', () => {
    const graph = buildFlowGraph({
      start: 'menu',
      states: {
        menu: { message: 'Hi', transitions: { pay: 'paymnet', again: 'paymnet', default: 'menu' } },
        payment: { message: 'Paid', end: true },
      },
    });
    const missing = graph.nodes.filter((n) => n.kind === 'missing');
    expect(missing).toEqual([expect.objectContaining({ id: 'missing:paymnet', name: 'paymnet' })]);
    expect(arrows(graph)).toEqual([
      'menu -transition:pay-> paymnet',
      'menu -transition:again-> paymnet',
      'menu -transition:default-> menu',
    ]);
    expect(node(graph, 'payment').unreachable).toBe(true);
  });

  it('flags the same unreachable states as the validator, on every example flow', () => {
    for (const { name, flow } of seeds) {
      const graph = buildFlowGraph(flow);
      const flagged = graph.nodes.filter((n) => n.unreachable).map((n) => n.path);
      const warned = validateFlow(flow)
        .warnings.filter((w) => w.message.includes('is unreachable'))
        .map((w) => w.path);
      expect({ name, flagged }).toEqual({ name, flagged: warned });
    }
  });

  it('reads list-form states and a start given by "initial"', () => {
    const graph = buildFlowGraph(seed('docs-start-initial'));
    expect(graph.start).toBe('welcome');
    expect(graph.nodes).toEqual([
      expect.objectContaining({ name: 'welcome', path: 'states[0]', start: true, end: true }),
    ]);
  });

  it('has no start when it is ambiguous or names no state, and then flags nothing', () => {
    const ambiguous = buildFlowGraph({
      states: { start: { message: 'a' }, other: { initial: true, message: 'b' } },
    });
    expect(ambiguous.start).toBeNull();
    expect(ambiguous.reachabilityKnown).toBe(false);
    expect(ambiguous.nodes.every((n) => !n.start && !n.unreachable)).toBe(true);
    expect(buildFlowGraph({ start: 'nope', states: { a: {} } }).start).toBeNull();
  });

  it('draws CONDITION branches and on_max_retries', () => {
    const graph = buildFlowGraph({
      start: 'check',
      states: {
        check: {
          actions: [
            { type: 'CONDITION', if: { var: 'vip', op: 'exists' }, then: 'vip', else: 'ask' },
          ],
        },
        vip: { message: ['', { type: 'image', media_url: 'x', media_caption: 'Gold' }], end: true },
        ask: {
          message: { type: 'text', text: 'Age?' },
          input: { type: 'integer', on_max_retries: 'vip' },
          transitions: { default: 'vip' },
        },
      },
    });
    expect(arrows(graph)).toEqual([
      'check -condition:if vip exists-> vip',
      'check -condition:else-> ask',
      'ask -transition:input-> vip',
      'ask -max_retries:max retries-> vip',
    ]);
    expect(node(graph, 'vip').summary).toBe('Gold');
    expect(node(graph, 'ask').summary).toBe('Age?');
    expect(node(graph, 'check').badges).toEqual(['if']);
  });

  it('never throws on half-typed or wrong-shaped documents', () => {
    for (const doc of [
      null,
      [],
      'x',
      {},
      { states: 'x' },
      { states: [1, { name: 3 }, { name: 'a', transitions: 7 }] },
      {
        states: { a: null, b: { transitions: [null, { to: 5 }], actions: [{ type: 'API_CALL' }] } },
      },
      { global_transitions: { menu: 'nowhere' }, states: { a: { actions: 'x', input: 'x' } } },
    ]) {
      expect(() => buildFlowGraph(doc)).not.toThrow();
    }
    expect(buildFlowGraph(null)).toEqual({
      nodes: [],
      edges: [],
      start: null,
      reachabilityKnown: false,
    });
  });

  it('shortens long labels and summaries', () => {
    const graph = buildFlowGraph({
      start: 'a',
      states: {
        a: {
          message: 'A very long welcome message that goes on and on for the whole screen',
          transitions: [{ keywords: ['one', 'two', 'three', 'four', 'five', 'six'], to: 'a' }],
        },
      },
    });
    expect(Array.from(graph.edges[0].label)).toHaveLength(36);
    expect(graph.edges[0].label.endsWith('…')).toBe(true);
    expect(Array.from(graph.nodes[0].summary)).toHaveLength(40);
  });
});

describe('describeCondition', () => {
  it.each([
    [{ var: 'a', value: 1 }, 'a eq 1'],
    [{ var: 'a', op: 'empty', value: false }, 'a not empty'],
    [{ var: 'a', op: 'in', value: ['x', 'y'] }, 'a in ["x","y"]'],
    [{ not: { var: 'a', op: 'exists' } }, 'not a exists'],
    [
      {
        any: [
          { var: 'a', value: 1 },
          { var: 'b', value: 2 },
        ],
      },
      'any(a eq 1, b eq 2)',
    ],
    ['nonsense', ''],
  ])('%j → %s', (cond, text) => {
    expect(describeCondition(cond)).toBe(text);
  });
});
