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
  it('should have one text per power of two of ends, whatever the batch size', () => {
    const texts = new Set<string>();
    for (let n = 1; n <= MAX_ENDS; n++) texts.add(finishStatement('me', ends(n), []).sql);
    expect(texts.size).toBe(Math.log2(MAX_ENDS) + 1);
  });

  it('should have the same text whether messages are recorded sent or failed', () => {
    const mixed = [end(0, 'sent'), end(1, 'failed'), end(2, 'sent')];
    expect(finishStatement('me', mixed, []).sql).toBe(finishStatement('me', ends(3), []).sql);
    // No message recorded at all: no message steps.
    expect(finishStatement('me', ends(3, 'none'), []).sql).not.toContain('messages');
  });

  it('should give the slots a batch leaves over nulls, and a placeholder to every parameter', () => {
    const { sql, params } = finishStatement('me', ends(5), []);
    const placeholders = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    expect(Math.max(...placeholders)).toBe(params.length);
    expect(placeholders.size).toBe(params.length);
    // Each row id twice: its end, and the end its message's record waits for.
    expect(params.filter((p) => typeof p === 'string' && p.startsWith('row-'))).toHaveLength(10);
    // 8 slots for the ends and 8 for their messages, 3 of each unused (all their values null).
    expect(sql.match(/UPDATE outbox/g)).toHaveLength(8);
    expect(sql.match(/UPDATE messages/g)).toHaveLength(8);
    expect(params.filter((p) => p === null).length).toBeGreaterThanOrEqual(3 * 4 + 3 * 6);
  });

  it('should count a send of several messages as that many message slots', () => {
    const two = {
      id: 'row-0',
      outcome: { status: 'done' as const },
      record: ConversationRepository.markSent(['msg-a', 'msg-b', 'msg-c'], 'sms-1', 2),
    };
    expect(finishStatement('me', [two], []).sql.match(/UPDATE messages/g)).toHaveLength(4);
  });

  it('should refuse more ends than one statement takes', () => {
    expect(() => finishStatement('me', ends(MAX_ENDS + 1), [])).toThrow(/At most/);
  });
});
