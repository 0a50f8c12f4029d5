import { ConversationRepository } from '../conversation/conversation.repository';
import { finishStatement, MAX_ENDS } from './outbox.repository';

const end = (n: number, record: 'sent' | 'failed' | 'none' = 'sent') => ({
  id: `row-${n}`,
  outcome: { status: 'done' as const },
  record:
    record === 'sent'
      ? ConversationRepository.markSent([`msg-${n}`], `wamid-${n}`, null)
      : record === 'failed'
        ? ConversationRepository.markFailed([`msg-${n}`], { code: '131026', title: 'x' })
        : undefined,
});
const ends = (count: number, kind?: 'sent' | 'failed' | 'none') =>
  Array.from({ length: count }, (_, n) => end(n, kind));

describe('finishStatement (the statement ending outbox attempts)', () => {
  it('should have one text for any number of ends', () => {
    const texts = new Set<string>();
    for (let n = 1; n <= MAX_ENDS; n++) texts.add(finishStatement('me', ends(n), []).sql);
    expect(texts.size).toBe(1);
  });

  it('should have one text for sends, another that tells the receiver for batches that fail messages', () => {
    const mixed = [end(0, 'sent'), end(1, 'failed'), end(2, 'sent')];
    const sends = finishStatement('me', ends(3), []).sql;
    const failing = finishStatement('me', mixed, []).sql;
    expect(failing).toBe(finishStatement('me', ends(5, 'failed'), []).sql);
    // Sends neither return the messages they update nor store events.
    expect(sends).not.toContain('RETURNING m.id');
    expect(sends).not.toContain('message.status');
    expect(failing).toContain('message.status');
    // No message recorded at all: no message step.
    expect(finishStatement('me', ends(3, 'none'), []).sql).not.toContain('messages');
  });

  it('should pass the ends and their messages as two JSON arrays, each message with its end', () => {
    const mixed = [end(0, 'sent'), end(1, 'none'), end(2, 'failed')];
    const { sql, params } = finishStatement('me', mixed, []);
    const placeholders = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect([...placeholders].sort()).toEqual([1, 2]);
    expect(JSON.parse(params[0] as string)).toEqual([
      { id: 'row-0', owner: 'me', status: 'done', retry_ms: null, error: null },
      { id: 'row-1', owner: 'me', status: 'done', retry_ms: null, error: null },
      { id: 'row-2', owner: 'me', status: 'done', retry_ms: null, error: null },
    ]);
    expect(JSON.parse(params[1] as string)).toEqual([
      {
        id: 'msg-0',
        end_id: 'row-0',
        status: 'sent',
        provider_message_id: 'wamid-0',
        segments: null,
        sent_via: null,
      },
      {
        id: 'msg-2',
        end_id: 'row-2',
        status: 'failed',
        error: { code: '131026', title: 'x' },
        event_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      },
    ]);
  });

  it('should write a retry with its delay and error, and a send of several messages as that many rows', () => {
    const retry = {
      id: 'row-0',
      outcome: { status: 'pending' as const, error: 'HTTP 500', retryInMs: 1500 },
      record: ConversationRepository.markSent(['msg-a', 'msg-b', 'msg-c'], 'sms-1', 2),
    };
    const { params } = finishStatement('me', [retry], []);
    expect(JSON.parse(params[0] as string)).toEqual([
      { id: 'row-0', owner: 'me', status: 'pending', retry_ms: 1500, error: 'HTTP 500' },
    ]);
    expect((JSON.parse(params[1] as string) as unknown[]).length).toBe(3);
  });

  it('should refuse more ends than one statement takes', () => {
    expect(() => finishStatement('me', ends(MAX_ENDS + 1), [])).toThrow(/At most/);
  });
});
