import { turnEvents, type TurnChange } from './turn-events';

describe('turnEvents', () => {
  let n = 0;
  const newId = () => `E${++n}`;
  const base: TurnChange = {
    conversation: { id: 'C1', chatbotId: 'B1', channel: 'whatsapp', userId: '+255700000001' },
    before: 'ACTIVE',
    after: 'ACTIVE',
    stateAfter: 'menu',
    inbound: { id: 'M1', message: { type: 'text', text: 'hi' } },
    at: new Date('2026-12-05T10:00:00Z'),
  };
  const types = (change: Partial<TurnChange>) =>
    turnEvents({ ...base, ...change }, newId).map((e) => (e.payload as { type: string }).type);

  it('tells nothing of an ordinary turn', () => {
    expect(types({})).toEqual([]);
  });

  it('tells of the flow handing the conversation to people', () => {
    expect(types({ after: 'HANDOFF_PENDING', stateAfter: 'agent' })).toEqual(['handoff.requested']);
    expect(types({ before: null, after: 'HANDOFF_PENDING' })).toEqual(['handoff.requested']);
    const data = (change: Partial<TurnChange>) =>
      (turnEvents({ ...base, ...change }, newId)[0].payload as { data: unknown }).data;
    expect(data({ after: 'HANDOFF_PENDING', stateAfter: 'agent', handoffReason: 'asked' })).toEqual(
      { state: 'agent', source: 'flow', reason: 'asked' },
    );
    expect(data({ after: 'HANDOFF_PENDING', stateAfter: 'agent' })).toEqual({
      state: 'agent',
      source: 'flow',
      reason: null,
    });
  });

  it("passes on a user's message while people have the conversation, and only then", () => {
    expect(types({ before: 'HANDOFF_PENDING', after: 'HANDOFF_PENDING' })).toEqual([
      'message.received',
    ]);
    expect(types({ before: 'AGENT_ACTIVE', after: 'AGENT_ACTIVE' })).toEqual(['message.received']);
    expect(types({ before: 'AGENT_ACTIVE', after: 'AGENT_ACTIVE', inbound: null })).toEqual([]);
  });

  it('tells of the end once', () => {
    expect(types({ after: 'CLOSED' })).toEqual(['conversation.closed']);
    expect(types({ before: 'CLOSED', after: 'CLOSED' })).toEqual([]);
  });

  it('makes events in order per conversation, each with its own id, stored only when events are on', () => {
    const [e] = turnEvents({ ...base, before: 'HANDOFF_PENDING', after: 'HANDOFF_PENDING' }, newId);
    expect(e).toMatchObject({ kind: 'event', orderingKey: 'events:C1', event: true });
    expect(e.payload).toEqual({
      id: e.id,
      type: 'message.received',
      created_at: '2026-12-05T10:00:00.000Z',
      chatbot_id: 'B1',
      conversation: { id: 'C1', channel: 'whatsapp', user_id: '+255700000001' },
      data: { message_id: 'M1', message: { type: 'text', text: 'hi' } },
    });
  });
});
