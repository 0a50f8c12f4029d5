/**
 * Whole, valid flows for specs and the flow property test: every major feature of the format
 * (contract: flow-format.md). Each call returns a fresh copy to mutate freely.
 */

// Test flows are built and mutated freely; their shape is what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Flow = Record<string, any>;

/** A complete, valid flow using every major feature. */
export function fullFlow(): Flow {
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
export function asList(flow: Flow): Flow {
  return {
    ...flow,
    states: Object.entries(flow.states as Record<string, object>).map(([name, state]) => ({ name, ...state })),
  };
}

/** Inputs of every type, conditions, SEND_MESSAGE, SET_VARIABLES and a retry policy. */
export function inputsFlow(): Flow {
  return {
    start: 'name',
    settings: { max_input_retries: 2, session_timeout_minutes: 60 },
    variables: { tries: 0, tags: ['a', 'b'] },
    states: {
      name: {
        message: 'Your name?',
        input: { save_to: 'name', type: 'text', min_length: 2, max_length: 40 },
        transitions: { default: 'age' },
      },
      age: {
        message: 'Hi {{name}}, your age?',
        input: {
          save_to: 'age',
          type: 'number',
          min: 1,
          max: 120,
          error_message: 'A number please.',
        },
        transitions: { default: 'when' },
      },
      when: {
        message: 'Which day?',
        input: { save_to: 'day', type: 'date' },
        transitions: { default: 'phone' },
      },
      phone: {
        message: 'Your phone?',
        input: { save_to: 'phone', type: 'phone', default_country: 'TZ', on_max_retries: 'bye' },
        transitions: { default: 'pick' },
      },
      pick: {
        message: 'Pick one',
        buttons: ['Yes', 'No'],
        input: { save_to: 'choice', type: 'choice' },
        transitions: [
          { button: 'Yes', to: 'check' },
          { keywords: 'no', to: 'bye' },
          { to: 'pick' },
        ],
      },
      check: {
        actions: [
          { type: 'SET_VARIABLES', set: { tries: '{{tries}}', 'profile.name': '{{name}}' } },
          {
            type: 'CONDITION',
            if: {
              all: [
                { var: 'age', op: 'gte', value: 18 },
                { var: 'choice', op: 'in', value: ['Yes'] },
              ],
            },
            then: 'adult',
            else: 'minor',
          },
        ],
      },
      adult: {
        actions: [
          { type: 'SEND_MESSAGE', message: 'Welcome, {{profile.name}}.' },
          {
            type: 'API_CALL',
            url: 'https://api.example.com/people',
            method: 'POST',
            body: { name: '{{name}}', tags: '{{json tags}}' },
            retry: { max_attempts: 3, initial_delay_ms: 200 },
            timeout_ms: 5000,
            save_to: 'saved',
            status_transitions: {
              '4xx': 'bye',
              '5xx': 'bye',
              timeout: 'bye',
              network_error: 'bye',
            },
            success_transition: 'bye',
          },
        ],
      },
      minor: { message: 'Come back with a grown-up.', end: true },
      bye: { message: 'Bye {{name}}!', end: true },
    },
  };
}
