import { Conversation, texts } from '../testing/engine-test-kit';

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
