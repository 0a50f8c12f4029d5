/**
 * The flow the Chat API benches publish (`npm run bench`, `npm run bench:memory`), answered by
 * bench/support/chat-load.ts (a number at `menu`, else yes or no). Five states: an integer
 * input, a `when` branch, templates, buttons, and a loop back.
 */
export const BENCH_FLOW = {
  start: 'menu',
  settings: { session_timeout_minutes: 30 },
  variables: { last: 'nothing' },
  states: {
    menu: {
      message: 'Send me a number, {{default contact_name "friend"}}.',
      input: { save_to: 'n', type: 'integer', error_message: 'That is not a whole number.' },
      transitions: [{ when: { var: 'n', op: 'gte', value: 50 }, to: 'big' }, { to: 'small' }],
    },
    big: {
      message: '{{n}} is big.',
      actions: [{ type: 'SET_VARIABLES', set: { last: 'big' } }],
      transitions: { always: 'ask_more' },
    },
    small: {
      message: '{{n}} is small.',
      actions: [{ type: 'SET_VARIABLES', set: { last: 'small' } }],
      transitions: { always: 'ask_more' },
    },
    ask_more: {
      message: 'Another one?',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
      transitions: { yes: 'menu', no: 'bye', default: 'menu' },
    },
    bye: { message: 'Bye for now; the last one was {{last}}.', transitions: { always: 'menu' } },
  },
};
