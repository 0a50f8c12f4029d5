import { compileFlow } from '../compile/compile-flow';
import { fakePorts, TEST_CONTEXT } from '../testing/engine-test-kit';
import { runTurn } from '../runner/run-turn';
import { validateFlow } from './validate-flow';

/** A flow whose first state sends `message`. */
const sending = (message: unknown) => ({
  start: 'remind',
  variables: { day: 'Friday' },
  states: {
    remind: { message, transitions: { confirm: 'done' } },
    done: { message: 'ok', end: true },
  },
});

describe('WhatsApp template messages in a flow', () => {
  const template = {
    type: 'template',
    name: 'appointment_reminder',
    language: 'en_US',
    components: [{ type: 'body', parameters: [{ type: 'text', text: '{{day}}' }] }],
    text: 'Your appointment is on {{day}}. Reply confirm.',
  };

  it('should accept a template with its components and fallback text', () => {
    expect(validateFlow(sending(template)).errors).toEqual([]);
  });

  it.each([
    ['name', { ...template, name: 'Appointment Reminder' }],
    ['language', { ...template, language: 'English' }],
    ['components', { ...template, components: { type: 'body' } }],
    ['text', { ...template, text: 5 }],
  ])('should refuse a bad %s at its path', (field, message) => {
    expect(validateFlow(sending(message)).errors.map((e) => e.path)).toEqual([
      `states.remind.message.${field}`,
    ]);
  });

  it('should render the variables in its components and text when sent', async () => {
    const r = await runTurn(
      compileFlow(sending(template)),
      null,
      { kind: 'start', context: TEST_CONTEXT },
      fakePorts(),
    );
    expect(r.messages).toEqual([
      {
        ...template,
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Friday' }] }],
        text: 'Your appointment is on Friday. Reply confirm.',
      },
    ]);
  });
});
