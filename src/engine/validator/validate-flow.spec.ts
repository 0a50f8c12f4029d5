import { compileFlow } from '../compile/compile-flow';
import { FlowCompileError } from '../flow-compile-error';
import { Conversation } from '../testing/engine-test-kit';
import { validateFlow, measureDepth, NO_FALLBACK_MESSAGE, type FlowIssue } from './index';

// Test flows are built and mutated freely; their shape is what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Flow = Record<string, any>;
const INTEGRATIONS = { integrationNames: ['my_backend'] };

/** A complete, valid flow using every major feature. */
function fullFlow(): Flow {
  return {
    start: 'greeting',
    settings: {
      session_timeout_minutes: 30,
      fallback_message: "Sorry, I didn't get that.",
      max_input_retries: 3,
      max_auto_steps: 25,
    },
    variables: { currency: 'TZS' },
    global_transitions: [{ keywords: ['menu', 'restart'], to: 'greeting' }],
    states: {
      greeting: {
        message: ['Hi {{variables.contact_name}}!', 'What would you like to do?'],
        buttons: [
          { id: 'order', title: 'Track my order' },
          { id: 'help', title: 'Talk to a person' },
        ],
        transitions: { order: 'ask_order', help: 'human_help', default: 'greeting' },
      },
      ask_order: {
        message: "What's your order number?",
        input: {
          save_to: 'order_id',
          type: 'text',
          pattern: '^[0-9]{6}$',
          error_message: 'Order numbers have 6 digits.',
          max_retries: 3,
          on_max_retries: 'human_help',
        },
        transitions: { default: 'fetch_order' },
      },
      fetch_order: {
        message: 'Looking that up for you...',
        actions: [
          {
            type: 'API_CALL',
            integration: 'my_backend',
            path: '/orders/{{variables.order_id}}',
            method: 'GET',
            query: { lang: '{{locale}}' },
            headers: { 'X-Tenant': 'acme' },
            save_to: 'order',
            success_transition: 'show_status',
            failure_transition: 'order_error',
          },
        ],
      },
      show_status: {
        message:
          'Order {{variables.order_id}} is {{variables.order.status}}; first item {{variables.order.items[0].sku}}, total {{number order.total}} {{currency}}.',
        transitions: [
          { when: { var: 'order.status', op: 'eq', value: 'shipped' }, to: 'shipped' },
          { regex: '^\\d+$', to: 'fetch_order' },
          { to: 'goodbye' },
        ],
      },
      shipped: {
        message: { type: 'text', text: 'On its way! (HTTP {{order_meta.status_code}})' },
        actions: [
          { type: 'SET_VARIABLES', set: { notified: true } },
          {
            type: 'API_CALL',
            url: 'https://hooks.example.com/shipped',
            method: 'POST',
            fire_and_forget: true,
          },
        ],
        transitions: { always: 'goodbye' },
      },
      order_error: {
        message: 'Sorry, I could not find that order.',
        transitions: { default: 'ask_order' },
      },
      human_help: { message: 'Connecting you to a person.', actions: [{ type: 'HANDOFF' }] },
      goodbye: {
        message: [
          'Bye!',
          { type: 'location', latitude: -6.8, longitude: 39.28, name: 'Our shop' },
          {
            type: 'list',
            text: 'Anything else?',
            button_text: 'Options',
            sections: [
              {
                title: 'More',
                rows: [{ id: 'faq', title: 'FAQ', description: 'Common questions' }],
              },
            ],
          },
        ],
        end: true,
      },
    },
  };
}

/** The same flow in the list-of-states shape. */
function asList(flow: Flow): Flow {
  return {
    ...flow,
    states: Object.entries(flow.states as Record<string, object>).map(([name, state]) => ({
      name,
      ...state,
    })),
  };
}

/** A minimal flow: one waiting state with a default, plus extra states. */
function tiny(states: Flow = {}, extra: Flow = {}): Flow {
  return {
    start: 'a',
    states: { a: { message: 'A', transitions: { default: 'a' } }, ...states },
    ...extra,
  };
}

function hasIssue(issues: FlowIssue[], path: string, ...fragments: string[]): boolean {
  return issues.some(
    (issue) => issue.path === path && fragments.every((f) => issue.message.includes(f)),
  );
}

function expectError(flow: unknown, path: string, ...fragments: string[]): void {
  const result = validateFlow(flow, INTEGRATIONS);
  if (!hasIssue(result.errors, path, ...fragments)) {
    throw new Error(
      `expected an error at ${JSON.stringify(path)} mentioning ${JSON.stringify(fragments)}, got ${JSON.stringify(result.errors, null, 1)}`,
    );
  }
}

function expectWarning(flow: unknown, path: string, ...fragments: string[]): void {
  const result = validateFlow(flow, INTEGRATIONS);
  if (!hasIssue(result.warnings, path, ...fragments)) {
    throw new Error(
      `expected a warning at ${JSON.stringify(path)} mentioning ${JSON.stringify(fragments)}, got ${JSON.stringify(result.warnings, null, 1)}`,
    );
  }
}

function errorPaths(flow: unknown, context = INTEGRATIONS): string[] {
  return validateFlow(flow, context).errors.map((issue) => issue.path);
}

describe('validateFlow: valid flows', () => {
  it('accepts the full example flow (map form) with no errors and no warnings', () => {
    expect(validateFlow(fullFlow(), INTEGRATIONS)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts the full example flow in the list form', () => {
    expect(validateFlow(asList(fullFlow()), INTEGRATIONS)).toEqual({ errors: [], warnings: [] });
  });

  it('works without a validation context (integration names unknown)', () => {
    expect(validateFlow(fullFlow()).errors).toEqual([]);
  });

  it('uses the state named "start" or the one marked initial when "start" is absent', () => {
    expect(errorPaths({ states: { start: { message: 'x', end: true } } })).toEqual([]);
    expect(
      errorPaths({ states: [{ name: 'hello', initial: true, message: 'x', end: true }] }),
    ).toEqual([]);
  });
});

describe('validateFlow: document errors', () => {
  it.each([null, [], 'flow', 42])(
    'rejects a non-object definition (%p) at the root',
    (definition) => {
      expectError(definition, '', 'must be a JSON object');
    },
  );

  it('reports missing, empty and mistyped states', () => {
    expectError({ start: 'a' }, 'states', 'no "states"');
    expectError({ start: 'a', states: {} }, 'states', 'empty');
    expectError({ start: 'a', states: [] }, 'states', 'empty');
    expectError({ start: 'a', states: 'greeting' }, 'states', '"greeting"');
  });

  it('reports an unknown start naming it, with a suggestion', () => {
    expectError(
      tiny({ greeting: { message: 'x', end: true } }, { start: 'greting' }),
      'start',
      '"greting"',
      'Did you mean "greeting"',
    );
  });

  it('reports a start that is not a string', () => {
    expectError(tiny({}, { start: 3 }), 'start', '3');
  });

  it('reports an ambiguous start naming every candidate', () => {
    const flow = {
      states: {
        start: { message: 'x', end: true },
        other: { message: 'y', end: true, initial: true },
      },
    };
    expectError(flow, 'start', 'Ambiguous', '"start"', '"other"');
    const two = {
      states: [
        { name: 'a', initial: true, end: true },
        { name: 'b', initial: true, end: true },
      ],
    };
    expectError(two, 'start', '"a"', '"b"');
  });

  it('reports a flow with no start at all', () => {
    expectError({ states: { a: { message: 'x', end: true } } }, 'start', 'No start state');
  });

  it('reports list-form states without a string name and duplicate names', () => {
    const flow = {
      start: 'a',
      states: [
        { name: 'a', end: true },
        { message: 'no name' },
        { name: 'a', end: true },
        { name: 7 },
      ],
    };
    expectError(flow, 'states[1].name', 'name');
    expectError(flow, 'states[2].name', 'Duplicate state name "a"', 'states[0]');
    expectError(flow, 'states[3].name', '7');
  });

  it('reports a map-form state that is not an object', () => {
    expectError(tiny({ broken: 'oops' }), 'states.broken', '"oops"');
  });

  it('reports settings of the wrong type', () => {
    const flow = tiny(
      {},
      {
        settings: {
          session_timeout_minutes: 0,
          max_auto_steps: 2.5,
          fallback_message: 3,
          max_input_retries: -1,
        },
      },
    );
    expectError(flow, 'settings.session_timeout_minutes', '0');
    expectError(flow, 'settings.max_auto_steps', '2.5');
    expectError(flow, 'settings.fallback_message', '3');
    expectError(flow, 'settings.max_input_retries', '-1');
    expectError(tiny({}, { settings: [] }), 'settings', 'object');
    expectWarning(
      tiny({}, { settings: { session_timout_minutes: 5 } }),
      'settings.session_timout_minutes',
      'session_timout_minutes',
    );
  });

  it('reports variables that are not an object', () => {
    expectError(tiny({}, { variables: ['a'] }), 'variables', 'object');
  });

  it('refuses definitions nested deeper than 64 levels', () => {
    let deep: Flow = {};
    for (let i = 0; i < 70; i++) deep = { x: deep };
    expectError(tiny({}, { variables: deep }), '', 'nested', '64');
  });
});

describe('validateFlow: route targets', () => {
  it('reports a map-form transition target that is not a state', () => {
    const flow = tiny({ payment: { message: 'Pay', end: true } }, {});
    flow.states.a.transitions = { pay: 'paymnet', default: 'a' };
    expectError(flow, 'states.a.transitions.pay', 'Transition target "paymnet" is not a state.');
  });

  it('accepts the {"to": …} spelling of a map-form target', () => {
    const flow = tiny();
    flow.states.a.transitions = { faq: { to: 'nowhere' }, default: 'a' };
    expectError(flow, 'states.a.transitions.faq.to', '"nowhere"');
  });

  it('reports a list-form transition target with the list-form state path', () => {
    const flow = {
      start: 'a',
      states: [
        { name: 'a', message: 'A', transitions: [{ keywords: ['x'], to: 'a' }, { to: 'ghost' }] },
      ],
    };
    expectError(flow, 'states[0].transitions[1].to', '"ghost"');
  });

  it('reports a rule without "to"', () => {
    const flow = tiny();
    flow.states.a.transitions = [{ keywords: ['x'] }, { to: 'a' }];
    expectError(flow, 'states.a.transitions[0].to', '"to"');
  });

  it('reports a bad global transition target', () => {
    expectError(
      tiny({}, { global_transitions: [{ keywords: ['menu'], to: 'mnu' }] }),
      'global_transitions[0].to',
      '"mnu"',
    );
  });

  it('reports a bad on_max_retries target', () => {
    const flow = tiny();
    flow.states.a.input = { save_to: 'x', on_max_retries: 'helpp' };
    expectError(flow, 'states.a.input.on_max_retries', '"helpp"');
  });

  it('reports bad CONDITION then/else targets', () => {
    const flow = tiny();
    flow.states.a.actions = [
      { type: 'CONDITION', if: { var: 'x', op: 'exists' }, then: 'yes', else: 'no' },
    ];
    expectError(flow, 'states.a.actions[0].then', '"yes"');
    expectError(flow, 'states.a.actions[0].else', '"no"');
  });

  it('reports bad API_CALL routes', () => {
    const flow = tiny();
    flow.states.a.actions = [
      {
        type: 'API_CALL',
        url: 'https://x.example',
        success_transition: 'ok',
        failure_transition: 'ko',
        status_transitions: { '404': 'missing' },
      },
    ];
    expectError(flow, 'states.a.actions[0].success_transition', '"ok"');
    expectError(flow, 'states.a.actions[0].failure_transition', '"ko"');
    expectError(flow, 'states.a.actions[0].status_transitions.404', '"missing"');
  });
});

describe('validateFlow: actions', () => {
  const withAction = (action: Flow, states: Flow = {}): Flow => {
    const flow = tiny(states);
    flow.states.a.actions = [action];
    return flow;
  };

  it('reports an unknown action type, listing the known ones', () => {
    expectError(
      withAction({ type: 'SEND_EMAIL' }),
      'states.a.actions[0].type',
      '"SEND_EMAIL"',
      'API_CALL SEND_MESSAGE SET_VARIABLES CONDITION HANDOFF',
    );
    expectError(withAction({ message: 'x' }), 'states.a.actions[0].type', 'needs a "type"');
  });

  it('reports LLM_AGENT as not supported', () => {
    expectError(
      withAction({ type: 'LLM_AGENT', prompt: 'hi' }),
      'states.a.actions[0].type',
      'LLM_AGENT',
      'not supported',
    );
  });

  it('reports API_CALL with both integration and url, or neither', () => {
    expectError(
      withAction({
        type: 'API_CALL',
        integration: 'my_backend',
        path: '/x',
        url: 'https://x.example',
      }),
      'states.a.actions[0].url',
      'not both',
    );
    expectError(
      withAction({ type: 'API_CALL', method: 'GET' }),
      'states.a.actions[0]',
      'either "integration"',
    );
  });

  it('requires "path" with integration but allows an empty path', () => {
    expectError(
      withAction({ type: 'API_CALL', integration: 'my_backend' }),
      'states.a.actions[0].path',
      '"path"',
    );
    expect(
      errorPaths(withAction({ type: 'API_CALL', integration: 'my_backend', path: '' })),
    ).toEqual([]);
    expectError(
      withAction({ type: 'API_CALL', url: 'https://x.example', path: '/y' }),
      'states.a.actions[0].path',
      'only applies with "integration"',
    );
  });

  it('reports an integration name that is not saved, only when names are known', () => {
    const flow = withAction({ type: 'API_CALL', integration: 'my_backnd', path: '/x' });
    expectError(flow, 'states.a.actions[0].integration', '"my_backnd"');
    expect(errorPaths(flow, { integrationNames: null } as never)).toEqual([]);
    expect(validateFlow(flow).errors).toEqual([]);
  });

  it('reports a url that is not http(s)', () => {
    expectError(
      withAction({ type: 'API_CALL', url: 'ftp://x.example' }),
      'states.a.actions[0].url',
      '"ftp://x.example"',
    );
    expect(errorPaths(withAction({ type: 'API_CALL', url: '{{variables.base}}/x' }, {}))).toEqual(
      [],
    );
  });

  it('reports bad method, body_type and non-boolean flags', () => {
    const base = { type: 'API_CALL', url: 'https://x.example' };
    expectError(
      withAction({ ...base, method: 'FETCH' }),
      'states.a.actions[0].method',
      '"FETCH"',
      'GET POST PUT PATCH DELETE HEAD OPTIONS',
    );
    expectError(
      withAction({ ...base, body_type: 'xml' }),
      'states.a.actions[0].body_type',
      '"xml"',
    );
    for (const flag of ['auto_body', 'fire_and_forget', 'directives', 'include_raw']) {
      expectError(
        withAction({ ...base, [flag]: 'yes' }),
        `states.a.actions[0].${flag}`,
        `"${flag}"`,
        '"yes"',
      );
    }
    expectError(withAction({ ...base, timeout_ms: -5 }), 'states.a.actions[0].timeout_ms', '-5');
    expectError(
      withAction({ ...base, timeout_ms: 300_001 }),
      'states.a.actions[0].timeout_ms',
      '300001',
    );
    expectError(
      withAction({ ...base, retry: { max_attempts: 0, on: ['sometimes'] } }),
      'states.a.actions[0].retry.max_attempts',
      '0',
    );
    expectError(
      withAction({ ...base, retry: { on: ['sometimes'] } }),
      'states.a.actions[0].retry.on[0]',
      '"sometimes"',
    );
  });

  it('checks status_transitions keys', () => {
    const good = {
      '200': 'a',
      '404': 'a',
      '4xx': 'a',
      '5xx': 'a',
      timeout: 'a',
      network_error: 'a',
      blocked_address: 'a',
      response_too_large: 'a',
    };
    expect(
      errorPaths(
        withAction({ type: 'API_CALL', url: 'https://x.example', status_transitions: good }),
      ),
    ).toEqual([]);
    expectError(
      withAction({
        type: 'API_CALL',
        url: 'https://x.example',
        status_transitions: { '4XX': 'a' },
      }),
      'states.a.actions[0].status_transitions.4XX',
      '"4XX"',
    );
    expectError(
      withAction({ type: 'API_CALL', url: 'https://x.example', status_transitions: { oops: 'a' } }),
      'states.a.actions[0].status_transitions.oops',
      '"oops"',
    );
    expectError(
      withAction({
        type: 'API_CALL',
        url: 'https://x.example',
        status_transitions: { '600': 'a' },
      }),
      'states.a.actions[0].status_transitions.600',
      '"600"',
    );
  });

  it('checks headers and bodies', () => {
    const base = { type: 'API_CALL', url: 'https://x.example', method: 'POST' };
    expectError(
      withAction({ ...base, headers: { 'Bad Header': 'x' } }),
      'states.a.actions[0].headers["Bad Header"]',
      'Bad Header',
    );
    expectError(
      withAction({ ...base, headers: { 'X-A': 'a\r\nb' } }),
      'states.a.actions[0].headers.X-A',
      'line break',
    );
    expectError(
      withAction({ ...base, body_type: 'form', body: 'a=b' }),
      'states.a.actions[0].body',
      'form',
    );
    expectError(
      withAction({ ...base, body_type: 'text', body: { a: 1 } }),
      'states.a.actions[0].body',
      'text',
    );
    expectWarning(
      withAction({ ...base, method: 'GET', body: { a: 1 } }),
      'states.a.actions[0].body',
      'GET',
    );
    expectWarning(
      withAction({ ...base, headers: { 'X-Sarufi-User-Id': 'me' } }),
      'states.a.actions[0].headers.X-Sarufi-User-Id',
      'X-Sarufi-User-Id',
    );
  });

  it('checks SEND_MESSAGE, SET_VARIABLES, CONDITION and HANDOFF shapes', () => {
    expectError(
      withAction({ type: 'SEND_MESSAGE' }),
      'states.a.actions[0].message',
      'SEND_MESSAGE',
    );
    expectError(
      withAction({ type: 'SET_VARIABLES', set: [1] }),
      'states.a.actions[0].set',
      'SET_VARIABLES',
    );
    expectError(
      withAction({ type: 'SET_VARIABLES', set: { ok: 1, constructor: 2 } }),
      'states.a.actions[0].set.constructor',
      'constructor',
    );
    expectError(withAction({ type: 'CONDITION', then: 'a' }), 'states.a.actions[0].if', '"if"');
    expectError(withAction({ type: 'HANDOFF', reason: 5 }), 'states.a.actions[0].reason', '5');
  });

  it('accepts a single action object instead of a list', () => {
    const flow = tiny();
    flow.states.a.actions = { type: 'SEND_EMAIL' };
    expectError(flow, 'states.a.actions.type', '"SEND_EMAIL"');
  });
});

describe('validateFlow: regular expressions', () => {
  it('reports an invalid transition regex', () => {
    const flow = tiny();
    flow.states.a.transitions = [{ regex: '^(\\d+$', to: 'a' }, { to: 'a' }];
    expectError(flow, 'states.a.transitions[0].regex', '"^(\\\\d+$"');
  });

  it('reports an invalid input pattern', () => {
    const flow = tiny();
    flow.states.a.input = { pattern: '[a-' };
    expectError(flow, 'states.a.input.pattern', '"[a-"');
  });

  it('reports an invalid "matches" regex in a condition', () => {
    const flow = tiny();
    flow.states.a.transitions = [
      { when: { var: 'x', op: 'matches', value: '*oops' }, to: 'a' },
      { to: 'a' },
    ];
    expectError(flow, 'states.a.transitions[0].when.value', '"*oops"');
  });
});

describe('validateFlow: templates', () => {
  const BAD = 'Hello {{#if x}}';

  it('reports a broken template in a message string, naming it', () => {
    expectError(
      tiny({ b: { message: ['ok', BAD], end: true } }),
      'states.b.message[1]',
      'does not compile',
      BAD,
    );
  });

  it('reports broken templates in button titles, list texts and message objects', () => {
    const flow = tiny({
      b: { message: 'Pick', buttons: [{ id: 'x', title: '{{#each}}' }], end: true },
      c: {
        message: 'Pick',
        list: {
          button_text: '{{a',
          sections: [{ title: '{{b', rows: [{ id: 'r', title: '{{c', description: '{{d' }] }],
        },
        end: true,
      },
      d: {
        message: { type: 'image', media_url: 'https://x/{{ }}', media_caption: '{{/x}}' },
        end: true,
      },
    });
    expectError(flow, 'states.b.buttons[0].title', '{{#each}}');
    expectError(flow, 'states.c.list.button_text', '{{a');
    expectError(flow, 'states.c.list.sections[0].title', '{{b');
    expectError(flow, 'states.c.list.sections[0].rows[0].title', '{{c');
    expectError(flow, 'states.c.list.sections[0].rows[0].description', '{{d');
    expectError(flow, 'states.d.message.media_caption', '{{/x}}');
  });

  it('reports broken templates in SEND_MESSAGE and SET_VARIABLES', () => {
    const flow = tiny();
    flow.states.a.actions = [
      { type: 'SEND_MESSAGE', message: { type: 'text', text: BAD } },
      { type: 'SET_VARIABLES', set: { total: { nested: [BAD] } } },
    ];
    expectError(flow, 'states.a.actions[0].message.text', BAD);
    expectError(flow, 'states.a.actions[1].set.total.nested[0]', BAD);
  });

  it('reports broken templates in every API_CALL part, at any depth', () => {
    const flow = tiny();
    flow.states.a.actions = [
      {
        type: 'API_CALL',
        integration: 'my_backend',
        path: '/x/{{',
        method: 'POST',
        query: { q: '{{#with}}' },
        headers: { 'X-A': '{{else}}' },
        body: { a: { b: ['{{/c}}'] } },
      },
      { type: 'API_CALL', url: 'https://x.example/{{#if a}}', failure_transition: 'a' },
    ];
    expectError(flow, 'states.a.actions[0].path', '/x/{{');
    expectError(flow, 'states.a.actions[0].query.q', '{{#with}}');
    expectError(flow, 'states.a.actions[0].headers.X-A', '{{else}}');
    expectError(flow, 'states.a.actions[0].body.a.b[0]', '{{/c}}');
    expectError(flow, 'states.a.actions[1].url', '{{#if a}}');
  });

  it('accepts the [n] index form and reports unknown helpers and partials', () => {
    expect(
      errorPaths(
        tiny(
          { b: { message: '{{variables.order.items[0].sku}} {{a[1][2]}}', end: true } },
          { variables: { order: {}, a: [] } },
        ),
      ),
    ).toEqual([]);
    expectError(
      tiny({ b: { message: '{{shout name}}', end: true } }),
      'states.b.message',
      'unknown helper "shout"',
    );
    expectError(tiny({ b: { message: '{{> footer}}', end: true } }), 'states.b.message', 'partial');
  });
});

describe('validateFlow: messages', () => {
  /** Over a channel's limits: valid, with a warning (the channel adapts it), and it compiles. */
  function expectLimitWarning(flow: unknown, path: string, ...fragments: string[]): void {
    expect(errorPaths(flow)).toEqual([]);
    expectWarning(flow, path, ...fragments);
    expect(() => compileFlow(flow as Record<string, unknown>)).not.toThrow();
  }

  it('warns about more than 3 buttons, in the shorthand and in message objects', () => {
    const buttons = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id.toUpperCase() }));
    expectLimitWarning(
      tiny({ b: { message: 'Pick', buttons, end: true } }),
      'states.b.buttons',
      '4',
      'as a list',
    );
    expectLimitWarning(
      tiny({ b: { message: { type: 'buttons', text: 'Pick', buttons }, end: true } }),
      'states.b.message.buttons',
      '4',
    );
    const many = Array.from({ length: 12 }, (_, i) => `o${i}`);
    expectLimitWarning(
      tiny({ b: { message: 'Pick', buttons: many, end: true } }),
      'states.b.buttons',
      'numbered text',
    );
  });

  it('warns about more than 10 list rows across sections, and long list texts', () => {
    const rows = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
    const list = {
      button_text: 'See',
      sections: [
        { title: 'One', rows: rows('a', 6) },
        { title: 'Two', rows: rows('b', 5) },
      ],
    };
    expectLimitWarning(
      tiny({ b: { message: 'Pick', list, end: true } }),
      'states.b.list.sections',
      '11',
    );
    const asObject = { type: 'list', text: 'Pick', button_text: 'See', sections: list.sections };
    expectLimitWarning(
      tiny({ b: { message: asObject, end: true } }),
      'states.b.message.sections',
      '11',
    );
    const long = {
      button_text: 'Show me every option now',
      sections: [
        {
          title: 'A section title that is long',
          rows: [{ id: 'r', title: 'A row title over the limit', description: 'd'.repeat(73) }],
        },
      ],
    };
    const flow = tiny({ b: { message: 'Pick', list: long, end: true } });
    expectLimitWarning(flow, 'states.b.list.button_text', '24', '20');
    expectLimitWarning(flow, 'states.b.list.sections[0].title', '24');
    expectLimitWarning(flow, 'states.b.list.sections[0].rows[0].title', '26', '24');
    expectLimitWarning(flow, 'states.b.list.sections[0].rows[0].description', '73', '72');
  });

  it('warns about button titles over 20 characters, and not at 20', () => {
    const title = 'A much too long button title';
    expectLimitWarning(
      tiny({ b: { message: 'Pick', buttons: [{ id: 'x', title }], end: true } }),
      'states.b.buttons[0].title',
      title,
      '20',
      'ellipsis',
    );
    const exact = validateFlow(
      tiny({
        b: { message: 'Pick', buttons: [{ id: 'x', title: 'Exactly twenty chars' }], end: true },
      }),
      INTEGRATIONS,
    );
    expect(exact.errors).toEqual([]);
    expect(exact.warnings.filter((w) => w.path.startsWith('states.b.buttons'))).toEqual([]);
  });

  it('reports duplicate button ids and duplicate list row ids in one message', () => {
    const buttons = [
      { id: 'x', title: 'One' },
      { id: 'x', title: 'Two' },
    ];
    expectError(
      tiny({ b: { message: 'Pick', buttons, end: true } }),
      'states.b.buttons[1].id',
      'Duplicate button id "x"',
    );
    const list = {
      sections: [{ rows: [{ id: 'r', title: 'One' }] }, { rows: [{ id: 'r', title: 'Two' }] }],
    };
    expectError(
      tiny({ b: { message: 'Pick', list, end: true } }),
      'states.b.list.sections[1].rows[0].id',
      '"r"',
    );
  });

  it('reports unknown message types and missing fields', () => {
    expectError(
      tiny({ b: { message: { type: 'sticker' }, end: true } }),
      'states.b.message.type',
      '"sticker"',
    );
    expectError(
      tiny({ b: { message: { type: 'image' }, end: true } }),
      'states.b.message.media_url',
      'image',
    );
    expectError(
      tiny({ b: { message: { type: 'location', latitude: 200, longitude: 0 }, end: true } }),
      'states.b.message.latitude',
      '200',
    );
    expectError(tiny({ b: { message: 42, end: true } }), 'states.b.message', '42');
  });

  it('reports buttons together with list', () => {
    const flow = tiny({
      b: {
        message: 'Pick',
        buttons: [{ id: 'x', title: 'X' }],
        list: { sections: [{ rows: [{ id: 'r', title: 'R' }] }] },
        end: true,
      },
    });
    expectError(flow, 'states.b.list', 'not both');
  });
});

describe('validateFlow: input and conditions', () => {
  const withInput = (input: Flow): Flow => {
    const flow = tiny();
    flow.states.a.input = input;
    return flow;
  };

  it('reports an unknown input type listing the known ones', () => {
    expectError(
      withInput({ type: 'color' }),
      'states.a.input.type',
      '"color"',
      'text number integer email phone date time choice any',
    );
  });

  it('reports bad input options', () => {
    expectError(withInput({ min_length: -1 }), 'states.a.input.min_length', '-1');
    expectError(
      withInput({ min_length: 5, max_length: 2 }),
      'states.a.input.min_length',
      'greater',
    );
    expectError(withInput({ type: 'number', min: {} }), 'states.a.input.min', '{}');
    expectError(withInput({ max_retries: 1.5 }), 'states.a.input.max_retries', '1.5');
    expectError(
      withInput({ type: 'phone', default_country: 'Tanzania' }),
      'states.a.input.default_country',
      '"Tanzania"',
    );
    expectError(withInput({ save_to: '' }), 'states.a.input.save_to', 'save_to');
    expectError(withInput('text' as never), 'states.a.input', '"text"');
    expectWarning(withInput({ type: 'email', min: 3 }), 'states.a.input.min', 'email');
    expectWarning(withInput({ type: 'choice' }), 'states.a.input.type', 'choice');
  });

  it('reports an unknown condition op, naming it', () => {
    const flow = tiny();
    flow.states.a.transitions = [
      { when: { var: 'x', op: 'like', value: 1 }, to: 'a' },
      { to: 'a' },
    ];
    expectError(
      flow,
      'states.a.transitions[0].when.op',
      '"like"',
      'eq ne gt gte lt lte contains starts_with matches exists empty in',
    );
  });

  it('reports malformed all/any/not', () => {
    const flow = tiny();
    flow.states.a.transitions = [
      { when: { all: { var: 'x', op: 'exists' } }, to: 'a' },
      { when: { any: 'x' }, to: 'a' },
      { when: { not: [] }, to: 'a' },
      { when: { all: [], var: 'x' }, to: 'a' },
      { to: 'a' },
    ];
    expectError(flow, 'states.a.transitions[0].when.all', '"all"');
    expectError(flow, 'states.a.transitions[1].when.any', '"any"');
    expectError(flow, 'states.a.transitions[2].when.not', '"not"');
    expectError(flow, 'states.a.transitions[3].when', 'mixes', '"all"', '"var"');
  });

  it('reports conditions without var or value, and nested errors with their path', () => {
    const flow = tiny();
    flow.states.a.transitions = [
      { when: { op: 'eq', value: 1 }, to: 'a' },
      { when: { var: 'x', op: 'gt' }, to: 'a' },
      { when: { all: [{ any: [{ not: { var: 'x', op: 'bogus' } }] }] }, to: 'a' },
      { to: 'a' },
    ];
    expectError(flow, 'states.a.transitions[0].when.var', 'variable');
    expectError(flow, 'states.a.transitions[1].when.value', '"gt"');
    expectError(flow, 'states.a.transitions[2].when.all[0].any[0].not.op', '"bogus"');
  });

  it('reports bad transition shapes', () => {
    const flow = tiny({
      b: { message: 'B', transitions: 'a' },
      c: { message: 'C', transitions: [{ keywords: [], to: 'a' }, { to: 'a' }] },
    });
    expectError(flow, 'states.b.transitions', '"a"');
    expectError(flow, 'states.c.transitions[0].keywords', 'keywords');
  });
});

describe('validateFlow: warnings', () => {
  it('warns about unknown fields in a state, suggesting the intended one', () => {
    const flow = tiny({ b: { message: 'B', transitons: { default: 'a' } } });
    flow.states.a.transitions = { default: 'b' };
    expectWarning(flow, 'states.b.transitons', '"transitons"', 'Did you mean "transitions"');
    expect(errorPaths(flow)).toEqual([]);
  });

  it('warns about unreachable states', () => {
    expectWarning(
      tiny({ island: { message: 'alone', end: true } }),
      'states.island',
      '"island"',
      'unreachable',
    );
  });

  it('counts every kind of route for reachability', () => {
    const flow = tiny(
      {
        g: { message: 'g', end: true },
        r: { message: 'r', end: true },
        c: { message: 'c', end: true },
        s: { message: 's', end: true },
        f: { message: 'f', end: true },
        st: { message: 'st', end: true },
      },
      { global_transitions: [{ keywords: ['g'], to: 'g' }] },
    );
    flow.states.a.input = { on_max_retries: 'r' };
    flow.states.a.actions = [
      { type: 'CONDITION', if: { var: 'x', op: 'exists' }, then: 'c' },
      {
        type: 'API_CALL',
        url: 'https://x.example',
        success_transition: 's',
        failure_transition: 'f',
        status_transitions: { '404': 'st' },
      },
    ];
    expect(validateFlow(flow).warnings.filter((w) => w.message.includes('unreachable'))).toEqual(
      [],
    );
  });

  it('warns with the seed wording about a waiting state with no transitions', () => {
    const flow = tiny({ b: { message: 'B' } });
    flow.states.a.transitions = { default: 'b' };
    expect(validateFlow(flow).warnings).toContainEqual({
      path: 'states.b.transitions',
      message: NO_FALLBACK_MESSAGE,
    });
    expect(NO_FALLBACK_MESSAGE).toBe('No fallback transition defined - users may get stuck.');
  });

  it('warns about a waiting state whose transitions have no catch-all', () => {
    const flow = tiny();
    flow.states.a.transitions = { yes: 'a', no: 'a' };
    expect(validateFlow(flow).warnings).toContainEqual({
      path: 'states.a.transitions',
      message: NO_FALLBACK_MESSAGE,
    });
  });

  it('does not warn about states that do not wait or always route away', () => {
    const flow = tiny({
      ends: { message: 'bye', end: true },
      moves: { message: 'm', transitions: { always: 'a' } },
      moves_list: { message: 'm', transitions: [{ always: true, to: 'a' }] },
      routes: {
        actions: [{ type: 'CONDITION', if: { var: 'x', op: 'exists' }, then: 'a', else: 'a' }],
      },
      calls: {
        actions: [
          {
            type: 'API_CALL',
            url: 'https://x.example',
            success_transition: 'a',
            failure_transition: 'a',
          },
        ],
      },
      human: { actions: [{ type: 'HANDOFF' }] },
    });
    flow.states.a.transitions = [
      { keywords: ['1'], to: 'ends' },
      { keywords: ['2'], to: 'moves' },
      { keywords: ['3'], to: 'moves_list' },
      { keywords: ['4'], to: 'routes' },
      { keywords: ['5'], to: 'calls' },
      { keywords: ['6'], to: 'human' },
      { to: 'a' },
    ];
    expect(validateFlow(flow).warnings.filter((w) => w.message === NO_FALLBACK_MESSAGE)).toEqual(
      [],
    );
  });

  it('warns about an API_CALL with no failure route, naming the uncovered outcomes', () => {
    const flow = tiny({
      b: {
        actions: [
          {
            type: 'API_CALL',
            url: 'https://x.example',
            success_transition: 'a',
            status_transitions: { '4xx': 'a' },
          },
        ],
        transitions: { ok: 'a' },
      },
    });
    flow.states.a.transitions = { default: 'b' };
    expectWarning(
      flow,
      'states.b.actions[0]',
      'no failure route',
      '5xx',
      'timeout',
      'network_error',
    );
  });

  it('does not warn about failure routes when covered, defaulted or fire-and-forget', () => {
    const call = { type: 'API_CALL', url: 'https://x.example', success_transition: 'a' };
    const covered = {
      ...call,
      status_transitions: { '4xx': 'a', '5xx': 'a', timeout: 'a', network_error: 'a' },
    };
    const flow = tiny({
      b: { actions: [covered] },
      c: { actions: [call], transitions: { default: 'a' } },
      d: {
        actions: [
          { type: 'API_CALL', url: 'https://x.example', method: 'POST', fire_and_forget: true },
        ],
        transitions: { default: 'a' },
      },
    });
    flow.states.a.transitions = [
      { keywords: ['b'], to: 'b' },
      { keywords: ['c'], to: 'c' },
      { keywords: ['d'], to: 'd' },
      { to: 'a' },
    ];
    expect(validateFlow(flow).warnings.filter((w) => w.message.includes('failure route'))).toEqual(
      [],
    );
  });

  it('warns about a template reading a variable that nothing sets', () => {
    expectWarning(
      tiny({ b: { message: 'Hi {{variables.nme}}', end: true } }),
      'states.b.message',
      '"nme"',
      'no state or action sets',
    );
    expectWarning(tiny({ b: { message: 'Hi {{nme}}', end: true } }), 'states.b.message', '"nme"');
  });

  it('knows what sets variables: flow variables, input, SET_VARIABLES, API_CALL save_to and _meta, built-ins', () => {
    const flow = tiny(
      {
        b: {
          message:
            '{{currency}} {{name}} {{total}} {{order.id}} {{order_meta.status_code}} {{response.x}} {{response_meta.status}} {{contact_name}} {{user_id}} {{channel}} {{chatbot_id}} {{session_id}} {{last_input}} {{locale}}',
          end: true,
        },
      },
      { variables: { currency: 'TZS' } },
    );
    flow.states.a.input = { save_to: 'name' };
    flow.states.a.actions = [
      { type: 'SET_VARIABLES', set: { total: 1 } },
      {
        type: 'API_CALL',
        url: 'https://x.example',
        save_to: 'order',
        success_transition: 'b',
        failure_transition: 'b',
      },
      {
        type: 'API_CALL',
        url: 'https://x.example',
        success_transition: 'b',
        failure_transition: 'b',
      },
    ];
    expect(
      validateFlow(flow).warnings.filter((w) => w.message.includes('no state or action sets')),
    ).toEqual([]);
  });

  it('ignores this, @index, helper names and block params inside each/with', () => {
    const template =
      '{{#each variables.items as |item i|}}{{@index}} {{item.sku}} {{this.name}} {{sku}} {{upper title}}{{/each}}{{#with variables.order}}{{id}}{{/with}}{{json variables.items}}';
    const flow = tiny(
      { b: { message: template, end: true } },
      { variables: { items: [], order: {} } },
    );
    expect(
      validateFlow(flow).warnings.filter((w) => w.message.includes('no state or action sets')),
    ).toEqual([]);
  });

  it('skips the unset-variable warning when an API_CALL has directives', () => {
    const flow = tiny({ b: { message: '{{from_backend}}', end: true } });
    flow.states.a.actions = [
      {
        type: 'API_CALL',
        url: 'https://x.example',
        directives: true,
        success_transition: 'b',
        failure_transition: 'b',
      },
    ];
    expect(validateFlow(flow).warnings.filter((w) => w.message.includes('from_backend'))).toEqual(
      [],
    );
  });

  it('warns about a SET_VARIABLES key and a save_to that nothing reads', () => {
    const flow = tiny({ b: { message: 'done', end: true } });
    flow.states.a.input = { save_to: 'nickname' };
    flow.states.a.actions = [
      { type: 'SET_VARIABLES', set: { unused: 1 } },
      {
        type: 'API_CALL',
        url: 'https://x.example',
        save_to: 'profile',
        success_transition: 'b',
        failure_transition: 'b',
      },
    ];
    expectWarning(flow, 'states.a.actions[0].set.unused', '"unused"', 'nothing reads');
    expectWarning(flow, 'states.a.actions[1].save_to', '"profile"');
    expectWarning(flow, 'states.a.input.save_to', '"nickname"');
  });

  it('counts conditions as reads, and a later POST with the auto body as a reader', () => {
    const flow = tiny({
      ask: { message: 'Name?', input: { save_to: 'nickname' }, transitions: { default: 'submit' } },
      submit: {
        actions: [
          {
            type: 'API_CALL',
            url: 'https://x.example',
            method: 'POST',
            success_transition: 'done',
            failure_transition: 'done',
          },
        ],
      },
      done: { message: 'Thanks', end: true },
    });
    flow.states.a.actions = [{ type: 'SET_VARIABLES', set: { flag: true } }];
    flow.states.a.transitions = [
      { when: { var: 'flag', op: 'eq', value: true }, to: 'ask' },
      { to: 'a' },
    ];
    const warnings = validateFlow(flow).warnings;
    expect(warnings.filter((w) => w.message.includes('nothing reads'))).toEqual([]);

    const viaGet = JSON.parse(JSON.stringify(flow));
    viaGet.states.submit.actions[0].method = 'GET';
    expectWarning(viaGet, 'states.ask.input.save_to', '"nickname"');
    const noAutoBody = JSON.parse(JSON.stringify(flow));
    noAutoBody.states.submit.actions[0].auto_body = false;
    expectWarning(noAutoBody, 'states.ask.input.save_to', '"nickname"');
  });

  it('warns about global transitions that match everything and rules that are never checked', () => {
    expectWarning(
      tiny({}, { global_transitions: [{ to: 'a' }] }),
      'global_transitions[0]',
      'every message',
    );
    const flow = tiny();
    flow.states.a.transitions = [{ to: 'a' }, { keywords: ['x'], to: 'a' }];
    expectWarning(flow, 'states.a.transitions[1]', 'never checked');
  });

  it('warns about a button rule naming no button of the state', () => {
    const flow = tiny();
    flow.states.a.buttons = [{ id: 'yes', title: 'Yes' }];
    flow.states.a.transitions = [{ button: 'no', to: 'a' }, { to: 'a' }];
    expectWarning(flow, 'states.a.transitions[0].button', '"no"');
  });
});

describe('validateFlow: order and determinism', () => {
  const messy = (): Flow => ({
    settings: { max_auto_steps: 0 },
    global_transitions: [{ keywords: ['menu'], to: 'nowhere' }],
    states: [
      { name: 'z', message: '{{#if}}', transitions: { default: 'missing_z' } },
      {
        name: 'start',
        initial: true,
        message: 'Hi',
        actions: [{ type: 'NOPE' }],
        transitions: [{ to: 'missing_start' }],
      },
      { name: 'other', initial: true, end: true },
    ],
  });

  it('returns the same output for the same input', () => {
    expect(validateFlow(messy())).toEqual(validateFlow(messy()));
  });

  it('orders findings as the document: start, settings, global_transitions, then states in written order', () => {
    expect(errorPaths(messy())).toEqual([
      'start',
      'settings.max_auto_steps',
      'global_transitions[0].to',
      'states[0].message',
      'states[0].transitions.default',
      'states[1].actions[0].type',
      'states[1].transitions[0].to',
    ]);
  });
});

/*
 * Minimal counterexamples of validate-compile.property.spec.ts: flows the validator passed, or
 * reported only through its last compile check with a path that is not in the document, while
 * the engine refused to compile them or failed at every render.
 */
describe('validateFlow: counterexamples of the validate/compile property', () => {
  /** The engine still refuses the flow; the validator says where, in the document's terms. */
  function expectCompileErrorReported(flow: Flow, path: string, ...fragments: string[]): void {
    expect(() => compileFlow(flow)).toThrow(FlowCompileError);
    expectError(flow, path, ...fragments);
  }

  it('checks templates in message fields the message type does not define (the engine renders them)', () => {
    // Reported before only as "states.a.message[0].note", which is not in the document.
    const flow = tiny({ b: { message: { type: 'text', text: 'Hi', note: '{{#if}}' }, end: true } });
    expectCompileErrorReported(flow, 'states.b.message.note', 'does not compile');
    expectWarning(flow, 'states.b.message.note', 'Unknown field "note"');
    const media = tiny({
      b: { message: [{ type: 'image', media_url: 'https://x.test/a.png', text: '{{' }], end: true },
    });
    expectCompileErrorReported(media, 'states.b.message[0].text', 'does not compile');
  });

  it('checks button and list row ids as templates, at the shorthand where they are written', () => {
    // Reported before as "states.b.message[0].buttons[0].id".
    const buttons = tiny({
      b: { message: 'Pick', buttons: [{ id: '{{#if}}', title: 'Yes' }], end: true },
    });
    expectCompileErrorReported(buttons, 'states.b.buttons[0].id', 'does not compile');
    const object = tiny({
      b: {
        message: { type: 'buttons', text: 'Pick', buttons: [{ id: '{{#if}}', title: 'Yes' }] },
        end: true,
      },
    });
    expectCompileErrorReported(object, 'states.b.message.buttons[0].id', 'does not compile');
    const row = tiny({
      b: {
        message: 'Pick',
        list: { button_text: 'Open', sections: [{ rows: [{ id: '{{#if}}', title: 'Row' }] }] },
        end: true,
      },
    });
    expectCompileErrorReported(row, 'states.b.list.sections[0].rows[0].id', 'does not compile');
  });

  it('checks templates in other fields of list sections and rows', () => {
    const flow = tiny({
      b: {
        message: 'Pick',
        list: {
          sections: [{ note: ['{{/if}}'], rows: [{ id: 'r', title: 'Row', extra: '{{#if}}' }] }],
        },
        end: true,
      },
    });
    expectCompileErrorReported(flow, 'states.b.list.sections[0].note[0]', 'does not compile');
    expectError(flow, 'states.b.list.sections[0].rows[0].extra', 'does not compile');
  });

  it.each(['variables.', 'x[', 'x[]', 'variables.x[', 'x[""]'])(
    'reports the SET_VARIABLES key %j the engine cannot write, at its bracketed path',
    (key) => {
      // Reported before as e.g. "states.a.actions[0].set.variables.", which is no path.
      const flow = tiny();
      flow.states.a.actions = [{ type: 'SET_VARIABLES', set: { [key]: 1 } }];
      expectCompileErrorReported(
        flow,
        `states.a.actions[0].set[${JSON.stringify(key)}]`,
        'is not a variable name or path',
      );
    },
  );

  it('reports variable paths the engine cannot read or write in conditions and save_to', () => {
    const when = tiny();
    when.states.a.transitions = [{ when: { var: '{{x[0}}', op: 'exists' }, to: 'a' }];
    expectCompileErrorReported(when, 'states.a.transitions[0].when.var', 'not a variable name');
    const input = tiny();
    input.states.a.input = { save_to: 'x[' };
    expectCompileErrorReported(input, 'states.a.input.save_to', 'not a variable name');
    const api = tiny();
    api.states.a.actions = [
      {
        type: 'API_CALL',
        url: 'https://api.example.com/x',
        save_to: 'x[]',
        failure_transition: 'a',
      },
    ];
    expectCompileErrorReported(api, 'states.a.actions[0].save_to', 'not a variable name');
  });

  it('still accepts the variable paths the engine reads and writes', () => {
    const flow = tiny();
    flow.states.a.actions = [
      { type: 'SET_VARIABLES', set: { 'variables.x': 1, 'order.items[0].sku': 'a', 'b.[c d]': 2 } },
    ];
    flow.states.a.message = '{{x}} {{order.items}} {{b}}';
    expect(errorPaths(flow)).toEqual([]);
    expect(() => compileFlow(flow)).not.toThrow();
  });

  it.each([
    ['{{#with}}{{/with}}', 'calls "{{#with}}" with 0 values'],
    ['{{#each}}{{/each}}', 'calls "{{#each}}" with 0 values'],
    ['{{#if a b}}two{{/if}}', 'calls "{{#if}}" with 2 values'],
    ['{{#if z}}x{{else if}}y{{/if}}', 'calls "{{#if}}" with 0 values'],
    ['{{if a}}', 'uses "if" outside a block'],
    ['{{#if (each a)}}x{{/if}}', 'uses "each" outside a block'],
    ['{{lookup a}}', 'calls "lookup" with 1 value;'],
    ['{{lookup a "b" "c"}}', 'calls "lookup" with 3 values'],
    ['{{#if a as |x|}}{{x}}{{/if}}', 'asks "{{#if}}" for block parameters'],
  ])('reports %j, which compiles but fails at every render', async (template, problem) => {
    const flow = tiny({}, { variables: { a: { b: 1 } } });
    flow.states.a.message = template;
    // The engine compiles it; each render is an empty text and a template_error.
    const start = await new Conversation(flow).start();
    expect(start.trace).toContainEqual(expect.objectContaining({ type: 'template_error' }));
    expectError(flow, 'states.a.message', problem);
  });

  it('still accepts the built-in helpers called as they should be', () => {
    const flow = tiny({}, { variables: { a: { b: 1 }, l: [1] } });
    flow.states.a.message =
      '{{#if a}}x{{else if l}}y{{else}}z{{/if}}{{#unless a}}u{{/unless}}{{#with a}}{{b}}{{/with}}' +
      '{{#each l as |item i|}}{{item}}{{i}}{{/each}}{{lookup a "b"}}{{#each (lookup a "b")}}{{/each}}';
    expect(errorPaths(flow)).toEqual([]);
  });

  it('reports a CONDITION with neither "then" nor "else" as the error it is for the engine', () => {
    // The validator warned "it does nothing"; the engine refuses it.
    const flow = tiny();
    flow.states.a.actions = [{ type: 'CONDITION', if: { var: 'x', op: 'exists' } }];
    expectCompileErrorReported(flow, 'states.a.actions[0]', 'needs "then" or "else"');
    const { warnings } = validateFlow(flow, INTEGRATIONS);
    expect(warnings.map((w) => w.path)).not.toContain('states.a.actions[0]');
  });

  it('checks the buttons/list shorthands of SEND_MESSAGE, which the engine applies', () => {
    // The validator called them unknown and ignored; the engine attaches them to the message.
    const list = tiny();
    list.states.a.actions = [{ type: 'SEND_MESSAGE', message: 'Pick', list: 5 }];
    expectCompileErrorReported(list, 'states.a.actions[0].list', '"list" must be an object');
    const buttons = tiny();
    buttons.states.a.actions = [
      { type: 'SEND_MESSAGE', message: 'Pick', buttons: [{ id: 'y', title: '{{#if}}' }] },
    ];
    expectCompileErrorReported(buttons, 'states.a.actions[0].buttons[0].title', 'does not compile');
    const good = tiny();
    good.states.a.actions = [{ type: 'SEND_MESSAGE', message: 'Pick', buttons: ['Yes', 'No'] }];
    expect(validateFlow(good, INTEGRATIONS)).toEqual({ errors: [], warnings: [] });
  });

  it('checks the fallback message as a template itself, reads included', () => {
    const broken = tiny({}, { settings: { fallback_message: 'Oops {{#if}}' } });
    expectCompileErrorReported(broken, 'settings.fallback_message', 'Template "Oops {{#if}}"');
    const reading = tiny({}, { settings: { fallback_message: 'Sorry {{nme}}' } });
    expectWarning(reading, 'settings.fallback_message', '"nme"');
  });
});

describe('measureDepth', () => {
  it('counts nesting levels', () => {
    expect(measureDepth(1)).toBe(0);
    expect(measureDepth(null)).toBe(0);
    expect(measureDepth({})).toBe(1);
    expect(measureDepth([1, 2])).toBe(1);
    expect(measureDepth({ a: [{ b: {} }] })).toBe(4);
  });

  it('handles very deep values without overflowing the stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(measureDepth(deep)).toBe(100_000);
  });
});
