import { validateFlow } from './index';
it('smoke', () => {
  const flow = {
    start: 'greeting',
    settings: { session_timeout_minutes: 30, fallback_message: "Sorry", max_input_retries: 3 },
    variables: { currency: 'TZS' },
    global_transitions: [{ keywords: ['menu', 'restart'], to: 'greeting' }],
    states: {
      greeting: { message: 'Hi {{variables.contact_name}}!', transitions: { default: 'ask_order' } },
      ask_order: {
        message: "What's your order number?",
        input: { save_to: 'order_id', type: 'text', pattern: '^[0-9]{6}$', error_message: 'Order numbers have 6 digits.', max_retries: 3, on_max_retries: 'human_help' },
        transitions: { default: 'fetch_order' },
      },
      fetch_order: { message: 'Looking...', actions: [{ type: 'API_CALL', integration: 'my_backend', path: '/orders/{{variables.order_id}}', save_to: 'order', success_transition: 'show', failure_transition: 'human_help' }] },
      show: { message: 'Status {{order.status}} {{variables.order.items[0].sku}} {{currency}}', end: true },
      human_help: { message: 'A human will help', actions: [{ type: 'HANDOFF' }] },
      orphan: { message: '{{#each x}}{{sku}}{{/each}} {{nope}} {{#if', transitons: {} },
    },
  };
  console.log(JSON.stringify(validateFlow(flow, { integrationNames: ['my_backend'] }), null, 1));
});
