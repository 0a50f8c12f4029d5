import { Conversation, texts } from '../testing/engine-test-kit';
import { MAX_HANDOFF_REASON } from './handoff.action';

describe('handoffAction', () => {
  it('should mark the session handoff, skip the rest and trace it', async () => {
    const conversation = new Conversation({
      start: 'h',
      states: {
        h: {
          message: 'Wait for an agent',
          actions: [
            { type: 'HANDOFF', reason: 'asked for a human' },
            { type: 'SEND_MESSAGE', message: 'skipped' },
          ],
          transitions: { always: 'x' },
        },
        x: { message: 'x' },
      },
    });
    const result = await conversation.start();
    expect(texts(result)).toEqual(['Wait for an agent']);
    expect(result.session.status).toBe('handoff');
    expect(result.trace).toContainEqual({ type: 'handoff', state: 'h' });
    expect(result.trace).toContainEqual(
      expect.objectContaining({ action: 'HANDOFF', detail: { reason: 'asked for a human' } }),
    );
    const ignored = await conversation.send('anyone?');
    expect(ignored.messages).toEqual([]);
    expect(ignored.trace).toEqual([{ type: 'ignored', reason: 'handoff' }]);
  });

  it('should render its reason as a template, cut to what the API takes, and give it in the result', async () => {
    const handoff = (reason: string) =>
      new Conversation({
        start: 'h',
        states: {
          h: {
            actions: [
              { type: 'SET_VARIABLES', set: { order: { id: 'A-17' }, long: 'x'.repeat(600) } },
              { type: 'HANDOFF', reason },
            ],
          },
        },
      }).start();
    const rendered = await handoff('Order {{order.id}} asked');
    expect(rendered.handoffReason).toBe('Order A-17 asked');
    expect(rendered.trace).toContainEqual(
      expect.objectContaining({ action: 'HANDOFF', detail: { reason: 'Order A-17 asked' } }),
    );
    expect((await handoff('{{long}}')).handoffReason).toHaveLength(MAX_HANDOFF_REASON);
    // Rendered empty: no reason.
    const empty = await handoff('{{missing}}');
    expect(empty.handoffReason).toBeUndefined();
    const action = empty.trace.find((e) => e.type === 'action' && e.action === 'HANDOFF');
    expect(action).toBeDefined();
    expect(action).not.toHaveProperty('detail');
  });

  it('should resume normally once the session is released', async () => {
    const conversation = new Conversation({
      start: 'h',
      states: {
        h: { actions: [{ type: 'HANDOFF' }], transitions: { default: 'back' } },
        back: { message: 'Welcome back' },
      },
    });
    await conversation.start();
    conversation.session = { ...conversation.session!, status: 'active' };
    expect(texts(await conversation.send('hi'))).toEqual(['Welcome back']);
  });
});
