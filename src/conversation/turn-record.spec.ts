import { buildTurnRecord, turnTrace } from './turn-record';

const facts = (over: Partial<Parameters<typeof buildTurnRecord>[0]> = {}) => {
  let n = 0;
  return {
    messageCount: 4,
    inbound: { type: 'text' as const, text: 'hi' },
    outbound: [
      { type: 'text' as const, text: 'Hello!' },
      { type: 'text' as const, text: 'Order?' },
    ],
    stateBefore: 'greet',
    stateAfter: 'ask',
    status: 'ACTIVE' as const,
    timeoutMinutes: 30,
    trace: [{ type: 'state_entered' }],
    deferredCalls: [],
    now: new Date('2026-12-03T10:00:00Z'),
    newId: () => `id${n++}`,
    ...over,
  };
};

describe('buildTurnRecord', () => {
  it('numbers the inbound then the outbound messages after the stored ones, with their states', () => {
    const r = buildTurnRecord(facts());
    expect(r.messages.map((m) => [m.seq, m.direction, m.state])).toEqual([
      [4, 'inbound', 'greet'],
      [5, 'outbound', 'ask'],
      [6, 'outbound', 'ask'],
    ]);
    expect(r.lastPreview).toBe('Order?');
  });

  it('sets the expiry from the flow timeout, and none once closed', () => {
    expect(buildTurnRecord(facts()).expiresAt?.toISOString()).toBe('2026-12-03T10:30:00.000Z');
    expect(buildTurnRecord(facts({ status: 'CLOSED' })).expiresAt).toBeNull();
  });

  it('makes one outbox entry per deferred call, each its own ordering key', () => {
    const r = buildTurnRecord(facts({ deferredCalls: [{ url: 'a' }, { url: 'b' }] }));
    expect(r.outbox).toHaveLength(2);
    for (const e of r.outbox) {
      expect(e.kind).toBe('api_call');
      expect(e.orderingKey).toBe(e.id);
    }
    expect(r.outbox.map((e) => e.payload)).toEqual([
      { request: { url: 'a' } },
      { request: { url: 'b' } },
    ]);
  });

  it("adds the channel's sends of the replies, and marks those replies queued", () => {
    const seen: unknown[] = [];
    const r = buildTurnRecord(
      facts({
        sends: (replies, ids) => {
          seen.push(
            replies.map((m) => (m.type === 'text' ? m.text : m.type)),
            ids,
          );
          return [{ id: 'send1', kind: 'sms.send', orderingKey: 'sms:i:+255', payload: { ids } }];
        },
      }),
    );
    expect(seen).toEqual([
      ['Hello!', 'Order?'],
      ['id1', 'id2'],
    ]);
    expect(r.outbox.map((o) => o.kind)).toEqual(['sms.send']);
    expect(r.messages.map((m) => m.delivery_status)).toEqual([undefined, 'queued', 'queued']);
    // No replies, nothing to send.
    const quiet = buildTurnRecord(facts({ outbound: [], sends: () => [] }));
    expect(quiet.outbox).toEqual([]);
  });

  it('writes no inbound row on a start turn without a message', () => {
    const r = buildTurnRecord(facts({ inbound: null, messageCount: 0 }));
    expect(r.messages.map((m) => m.direction)).toEqual(['outbound', 'outbound']);
    expect(r.messages[0].seq).toBe(0);
  });
});

describe('turnTrace', () => {
  it('says how the turn began', () => {
    expect(turnTrace(null, true, [])).toEqual([{ type: 'session_start', message_type: null }]);
    expect(turnTrace({ type: 'text', text: 'x' }, false, [{ type: 'x' }])).toEqual([
      { type: 'message_received', message_type: 'text' },
      { type: 'x' },
    ]);
  });
});
