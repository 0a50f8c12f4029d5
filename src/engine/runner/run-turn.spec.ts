import { compileFlow } from '../compile/compile-flow';
import type { GenericMessage } from '../generic-message';
import { Conversation, TEST_CONTEXT, fakePorts, press, texts } from '../testing/engine-test-kit';
import { runTurn } from './run-turn';
import type { SessionState } from './turn-types';

type Step = {
  /** Omitted: a start turn. */
  send?: GenericMessage | string;
  says: string[];
  state?: string | null;
  status?: SessionState['status'];
  vars?: Record<string, unknown>;
};

const menu = {
  start: 'menu',
  states: {
    menu: {
      message: 'Choose:',
      buttons: [
        { id: 'faq', title: 'FAQ' },
        { id: 'coffee', title: 'Café au lait' },
      ],
      transitions: { faq: 'faq', coffee: 'coffee', support: 'support' },
    },
    faq: { message: 'FAQ here' },
    coffee: { message: 'Coffee!' },
    support: { message: 'Support' },
  },
};

const cases: Array<{ name: string; flow: Record<string, unknown>; steps: Step[] }> = [
  {
    name: 'should send the start state messages and wait',
    flow: menu,
    steps: [{ says: ['Choose:'], state: 'menu', status: 'active' }],
  },
  {
    name: 'should match a pressed button by id',
    flow: menu,
    steps: [
      { says: ['Choose:'] },
      { send: press('faq', 'Something else'), says: ['FAQ here'], state: 'faq' },
    ],
  },
  {
    name: 'should match a typed key ignoring case and surrounding space',
    flow: menu,
    steps: [{ says: ['Choose:'] }, { send: '  Support ', says: ['Support'], state: 'support' }],
  },
  {
    name: 'should match a typed button title ignoring case and accents',
    flow: menu,
    steps: [{ says: ['Choose:'] }, { send: 'CAFE AU LAIT', says: ['Coffee!'], state: 'coffee' }],
  },
  {
    name: 'should not treat a numeric reply as the first button (a channel concern)',
    flow: menu,
    steps: [
      { says: ['Choose:'] },
      { send: '1', says: ["Sorry, I didn't get that."], state: 'menu' },
    ],
  },
  {
    name: 'should match list rows by title',
    flow: {
      start: 'topics',
      states: {
        topics: {
          message: 'Select a topic',
          list: {
            button_text: 'View',
            sections: [{ title: 'General', rows: [{ id: 'hours', title: 'Business hours' }] }],
          },
          transitions: { hours: 'hours' },
        },
        hours: { message: '8 to 5' },
      },
    },
    steps: [{ says: ['Select a topic'] }, { send: 'business HOURS', says: ['8 to 5'] }],
  },
  {
    name: 'should check list rules in order: keywords, regex, when, then the default',
    flow: {
      start: 'ask',
      states: {
        ask: {
          message: 'Ask me',
          input: { save_to: 'answer' },
          transitions: [
            { keywords: ['hours', 'saa'], to: 'hours' },
            { regex: '^\\d{6}$', to: 'order' },
            { when: { var: 'answer', op: 'eq', value: 'shipped' }, to: 'shipped' },
            { to: 'other' },
          ],
        },
        hours: { message: 'Hours', transitions: { always: 'ask' } },
        order: { message: 'Order {{answer}}', transitions: { always: 'ask' } },
        shipped: { message: 'Shipped', transitions: { always: 'ask' } },
        other: { message: 'Other: {{last_input}}', transitions: { always: 'ask' } },
      },
    },
    steps: [
      { says: ['Ask me'] },
      { send: 'SAA', says: ['Hours', 'Ask me'] },
      { send: ' 123456 ', says: ['Order 123456', 'Ask me'] },
      { send: 'shipped', says: ['Shipped', 'Ask me'] },
      { send: 'what hours?', says: ['Other: what hours?', 'Ask me'], state: 'ask' },
    ],
  },
  {
    name: 'should use the fallback message, count retries and then follow on_max_retries',
    flow: {
      start: 'menu',
      settings: { fallback_message: 'Pardon, {{contact_name}}?', max_input_retries: 2 },
      states: {
        menu: {
          message: 'Yes or no?',
          input: { on_max_retries: 'human' },
          transitions: { yes: 'yes', no: 'no' },
        },
        yes: { message: 'Yes' },
        no: { message: 'No' },
        human: { message: 'Let me get a human' },
      },
    },
    steps: [
      { says: ['Yes or no?'] },
      { send: 'maybe', says: ['Pardon, ?'], state: 'menu' },
      { send: 'perhaps', says: ['Let me get a human'], state: 'human' },
    ],
  },
  {
    name: 'should keep sending the fallback when retries run out without on_max_retries',
    flow: {
      start: 'menu',
      settings: { max_input_retries: 1 },
      states: { menu: { message: 'Pick', transitions: { a: 'menu' } } },
    },
    steps: [
      { says: ['Pick'] },
      { send: 'x', says: ["Sorry, I didn't get that."], state: 'menu' },
      { send: 'y', says: ["Sorry, I didn't get that."] },
    ],
  },
  {
    name: 'should validate input, send error_message and save the typed value before transitions',
    flow: {
      start: 'ask_age',
      states: {
        ask_age: {
          message: 'Your age?',
          input: {
            save_to: 'age',
            type: 'integer',
            min: 1,
            error_message: 'A whole number, {{default contact_name "friend"}}.',
            max_retries: 3,
          },
          transitions: [
            { when: { var: 'age', op: 'gte', value: 18 }, to: 'adult' },
            { to: 'minor' },
          ],
        },
        adult: { message: 'Adult ({{age}})' },
        minor: { message: 'Minor' },
      },
    },
    steps: [
      { says: ['Your age?'] },
      {
        send: 'old',
        says: ['A whole number, friend.'],
        state: 'ask_age',
        vars: { last_input: 'old' },
      },
      { send: '0', says: ['A whole number, friend.'] },
      { send: '42', says: ['Adult (42)'], state: 'adult', vars: { age: 42, last_input: '42' } },
    ],
  },
  {
    name: 'should go to on_max_retries after max_retries invalid inputs',
    flow: {
      start: 'ask',
      states: {
        ask: {
          message: 'Email?',
          input: { type: 'email', save_to: 'email', max_retries: 2, on_max_retries: 'help' },
          transitions: { default: 'thanks' },
        },
        help: { message: 'Let us talk' },
        thanks: { message: 'Thanks' },
      },
    },
    steps: [
      { says: ['Email?'] },
      { send: 'nope', says: ['Please reply with a valid email address.'] },
      { send: 'still nope', says: ['Let us talk'], state: 'help' },
    ],
  },
  {
    name: 'should check global transitions first, even while collecting input',
    flow: {
      start: 'ask',
      global_transitions: [{ keywords: ['menu', 'restart'], to: 'menu' }],
      states: {
        ask: {
          message: 'Name?',
          input: { save_to: 'name', min_length: 5 },
          transitions: { default: 'ask' },
        },
        menu: { message: 'Main menu' },
      },
    },
    steps: [
      { says: ['Name?'] },
      { send: 'MENU', says: ['Main menu'], state: 'menu', vars: { name: undefined } },
    ],
  },
  {
    name: 'should move on at once with always, and honour always with when',
    flow: {
      start: 'a',
      variables: { vip: true },
      states: {
        a: {
          message: 'A',
          transitions: [
            { always: true, when: { var: 'vip', op: 'eq', value: false }, to: 'c' },
            { always: true, to: 'b' },
          ],
        },
        b: { message: 'B {{upper channel}}', transitions: { always: 'c' } },
        c: { message: 'C' },
      },
    },
    steps: [{ says: ['A', 'B API', 'C'], state: 'c' }],
  },
  {
    name: 'should close on end and start afresh on the next message',
    flow: {
      start: 'hello',
      variables: { n: 0 },
      states: {
        hello: {
          message: 'Hello',
          actions: [{ type: 'SET_VARIABLES', set: { n: 1 } }],
          transitions: { default: 'bye' },
        },
        bye: { message: 'Bye', end: true, transitions: { always: 'hello' } },
      },
    },
    steps: [
      { says: ['Hello'], vars: { n: 1 } },
      { send: 'x', says: ['Bye'], status: 'closed', state: 'bye' },
      {
        send: 'again',
        says: ['Hello'],
        status: 'active',
        state: 'hello',
        vars: { last_input: 'again' },
      },
    ],
  },
  {
    name: 'should stop an endless always loop with the fallback message',
    flow: {
      start: 'ping',
      settings: { max_auto_steps: 4, fallback_message: 'Loop!' },
      states: {
        ping: { message: 'ping', transitions: { always: 'pong' } },
        pong: { message: 'pong', transitions: { always: 'ping' } },
      },
    },
    steps: [{ says: ['ping', 'pong', 'ping', 'pong', 'Loop!'], state: 'pong', status: 'active' }],
  },
  {
    name: 'should send messages before actions and skip the rest of a state when an action routes',
    flow: {
      start: 'check',
      variables: { paid: true },
      states: {
        check: {
          message: 'Checking…',
          actions: [
            { type: 'SEND_MESSAGE', message: 'first' },
            {
              type: 'CONDITION',
              if: { var: 'paid', op: 'eq', value: true },
              then: 'paid',
              else: 'unpaid',
            },
            { type: 'SEND_MESSAGE', message: 'never' },
          ],
          transitions: { always: 'unpaid' },
        },
        paid: { message: 'Paid' },
        unpaid: { message: 'Unpaid' },
      },
    },
    steps: [{ says: ['Checking…', 'first', 'Paid'], state: 'paid' }],
  },
  {
    name: 'should keep JSON types in SET_VARIABLES and let later values read earlier ones',
    flow: {
      start: 's',
      variables: { order: { total: 1500, items: [{ sku: 'A' }] } },
      states: {
        s: {
          actions: [
            {
              type: 'SET_VARIABLES',
              set: {
                total: '{{variables.order.total}}',
                first: '{{order.items[0]}}',
                label: 'Total: {{total}}',
                'order.paid': true,
              },
            },
          ],
          message: 'x',
        },
      },
    },
    steps: [
      {
        says: ['x'],
        vars: {
          total: 1500,
          first: { sku: 'A' },
          label: 'Total: 1500',
          order: { total: 1500, items: [{ sku: 'A' }], paid: true },
        },
      },
    ],
  },
  {
    name: 'should hand off, then stay silent while a human has the conversation',
    flow: {
      start: 'help',
      states: {
        help: {
          message: 'Connecting you to an agent',
          actions: [{ type: 'HANDOFF' }, { type: 'SEND_MESSAGE', message: 'not sent' }],
          transitions: { always: 'help' },
        },
      },
    },
    steps: [
      { says: ['Connecting you to an agent'], status: 'handoff', state: 'help' },
      { send: 'hello?', says: [], status: 'handoff', state: 'help' },
    ],
  },
  {
    name: 'should render the built-in variables',
    flow: {
      start: 's',
      states: {
        s: {
          message:
            '{{user_id}}|{{channel}}|{{chatbot_id}}|{{session_id}}|{{contact_name}}|{{locale}}',
        },
      },
    },
    steps: [{ says: ['255700000001|api|bot_1|sess_1||'] }],
  },
  {
    name: 'should render a failing template as empty and go on',
    flow: { start: 's', states: { s: { message: ['A{{#each}}x{{/each}}', 'B'] } } },
    steps: [{ says: ['', 'B'], state: 's' }],
  },
];

describe('runTurn', () => {
  describe.each(cases)('$name', ({ flow, steps }) => {
    it('should follow the conversation', async () => {
      const conversation = new Conversation(flow);
      for (const step of steps) {
        const result =
          step.send === undefined ? await conversation.start() : await conversation.send(step.send);
        expect(texts(result)).toEqual(step.says);
        if (step.state !== undefined) expect(result.session.state).toBe(step.state);
        if (step.status !== undefined) expect(result.session.status).toBe(step.status);
        for (const [name, value] of Object.entries(step.vars ?? {}))
          expect(result.session.variables[name]).toEqual(value);
      }
    });
  });

  it('should start a fresh session when a message arrives with no session', async () => {
    const flow = compileFlow({
      start: 'hello',
      variables: { currency: 'TZS' },
      states: { hello: { message: 'Hi ({{currency}})', transitions: { default: 'hello' } } },
    });
    const result = await runTurn(
      flow,
      null,
      { kind: 'message', message: { type: 'text', text: 'hi' }, context: TEST_CONTEXT },
      fakePorts(),
    );
    expect(texts(result)).toEqual(['Hi (TZS)']);
    expect(result.session).toMatchObject({ state: 'hello', retries: 0, status: 'active' });
    expect(result.session.variables).toMatchObject({
      currency: 'TZS',
      last_input: 'hi',
      user_id: TEST_CONTEXT.user_id,
    });
    expect(result.trace[0]).toEqual({ type: 'session_started', start: 'hello' });
  });

  it('should never mutate the session it is given, nor share the flow variables', async () => {
    const flow = compileFlow({
      start: 'a',
      variables: { cart: { items: [] } },
      states: {
        a: {
          message: 'a',
          input: { save_to: 'cart.note' },
          actions: [{ type: 'SET_VARIABLES', set: { 'cart.count': 1 } }],
          transitions: { default: 'a' },
        },
      },
    });
    const first = await runTurn(flow, null, { kind: 'start', context: TEST_CONTEXT }, fakePorts());
    const before = structuredClone(first.session);
    const second = await runTurn(
      flow,
      first.session,
      { kind: 'message', message: { type: 'text', text: 'gift' }, context: TEST_CONTEXT },
      fakePorts(),
    );
    expect(first.session).toEqual(before);
    expect(second.session.variables.cart).toEqual({ items: [], count: 1, note: 'gift' });
    expect(flow.initialVariables).toEqual({ cart: { items: [] } });
  });

  it('should report template errors in the trace', async () => {
    const conversation = new Conversation({
      start: 's',
      states: { s: { message: 'A{{#each}}x{{/each}}' } },
    });
    const result = await conversation.start();
    expect(result.trace).toContainEqual(
      expect.objectContaining({
        type: 'template_error',
        state: 's',
        template: 'A{{#each}}x{{/each}}',
      }),
    );
  });

  it('should trace the loop guard', async () => {
    const conversation = new Conversation({
      start: 'a',
      settings: { max_auto_steps: 3 },
      states: { a: { transitions: { always: 'a' } } },
    });
    const result = await conversation.start();
    expect(result.trace).toContainEqual({ type: 'loop_guard', state: 'a', limit: 3 });
    expect(result.trace.filter((e) => e.type === 'state_entered')).toHaveLength(3);
  });

  it('should trace transitions with their reason and invalid input', async () => {
    const conversation = new Conversation({
      start: 'ask',
      states: {
        ask: {
          input: { type: 'number', save_to: 'n' },
          transitions: [{ when: { var: 'n', op: 'gt', value: 5 }, to: 'big' }],
        },
        big: {},
      },
    });
    await conversation.start();
    const invalid = await conversation.send('many');
    expect(invalid.trace).toContainEqual({
      type: 'input_invalid',
      state: 'ask',
      input_type: 'number',
      reason: 'not_number',
      retries: 1,
    });
    expect(invalid.session.retries).toBe(1);
    const valid = await conversation.send('9');
    expect(valid.trace).toContainEqual({
      type: 'transition',
      from: 'ask',
      to: 'big',
      reason: 'when',
    });
    expect(valid.session.retries).toBe(0);
  });

  it('should set last_input for media and save it with an any input', async () => {
    const conversation = new Conversation({
      start: 'photo',
      states: {
        photo: { input: { type: 'any', save_to: 'receipt' }, transitions: { default: 'done' } },
        done: { message: 'Got it: {{last_input}}' },
      },
    });
    await conversation.start();
    const image: GenericMessage = {
      type: 'image',
      media_url: 'https://cdn/x.jpg',
      media_caption: 'receipt #1',
    };
    const result = await conversation.send(image);
    expect(texts(result)).toEqual(['Got it: receipt #1']);
    expect(result.session.variables.receipt).toEqual(image);
  });

  it('should restart on a start input even when a session exists', async () => {
    const conversation = new Conversation(menu);
    await conversation.start();
    await conversation.send(press('faq'));
    const again = await conversation.start();
    expect(again.session.state).toBe('menu');
    expect(texts(again)).toEqual(['Choose:']);
  });

  it('should report handoff and closed flags', async () => {
    const handoff = await new Conversation({
      start: 'h',
      states: { h: { actions: [{ type: 'HANDOFF' }] } },
    }).start();
    expect(handoff).toMatchObject({ handoff: true, closed: false });
    const closed = await new Conversation({
      start: 'e',
      states: { e: { message: 'bye', end: true } },
    }).start();
    expect(closed).toMatchObject({ handoff: false, closed: true });
  });

  describe('goto (a command from outside the conversation)', () => {
    const flow = compileFlow({
      start: 'menu',
      states: {
        menu: { message: 'Menu', input: { save_to: 'x' }, transitions: { default: 'menu' } },
        reminder: {
          message: 'Your appointment is on {{day}}. Confirm?',
          buttons: [{ id: 'yes', title: 'Yes' }],
          transitions: { yes: 'done' },
        },
        done: { message: 'Confirmed', end: true },
        agent: { actions: [{ type: 'HANDOFF' }] },
      },
    });
    const goto = (
      session: SessionState | null,
      state: string,
      variables?: Record<string, unknown>,
    ) =>
      runTurn(
        flow,
        session,
        { kind: 'goto', state, variables, context: TEST_CONTEXT },
        fakePorts(),
      );

    it('should open a fresh session at the state, with the variables set first', async () => {
      const r = await goto(null, 'reminder', { day: '12 May' });
      expect(texts(r)).toEqual(['Your appointment is on 12 May. Confirm?']);
      expect(r.session).toMatchObject({ state: 'reminder', status: 'active', retries: 0 });
      expect(r.trace).toContainEqual({ type: 'session_started', start: 'reminder' });
      expect(r.trace).toContainEqual(
        expect.objectContaining({ type: 'transition', to: 'reminder', reason: 'goto' }),
      );
    });

    it('should give a handed-off session back to the bot at the state, keeping its variables', async () => {
      const handed = await goto(null, 'agent');
      expect(handed.session.status).toBe('handoff');
      const resumed = await goto(
        { ...handed.session, variables: { ...handed.session.variables, kept: 1 } },
        'reminder',
        { day: 'today' },
      );
      expect(resumed.session).toMatchObject({ state: 'reminder', status: 'active' });
      expect(resumed.session.variables).toMatchObject({ kept: 1, day: 'today' });
      expect(texts(resumed)).toEqual(['Your appointment is on today. Confirm?']);
      const next = await runTurn(
        flow,
        resumed.session,
        { kind: 'message', message: press('yes'), context: TEST_CONTEXT },
        fakePorts(),
      );
      expect(texts(next)).toEqual(['Confirmed']);
    });
  });
});
