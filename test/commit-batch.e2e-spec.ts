import { ulid } from 'ulid';
import {
  ConversationRepository,
  type StoredMessage,
  type TurnWrite,
} from '../src/conversation/conversation.repository';
import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

const FLOW = {
  start: 'hi',
  states: { hi: { message: 'Hello', transitions: { always: 'hi' } } },
};

/**
 * Turns that commit at once share statements (ConversationRepository.commitTurn,
 * docs/scaling.md › Writes grouped across users), each with its own outcome.
 */
describe('turns committed together', () => {
  let t: TestApp;
  let repo: ConversationRepository;
  let chatbotId: string;
  const OWNER = 'batch-test-owner';

  beforeAll(async () => {
    t = await startTestApp();
    repo = t.handle.app.get(ConversationRepository);
    const { auth } = await t.newWorkspace();
    ({ chatbotId } = await publishedBot(t, auth, FLOW));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** `n` new conversations, each leased to OWNER. */
  async function leased(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = ulid();
      const made = await repo.create({
        id,
        chatbotId,
        channel: 'api',
        userId: `user-${id}`,
        contactName: null,
        owner: OWNER,
        leaseMs: 60_000,
        now: new Date(),
        sessionKey: null,
      });
      expect(made).not.toBeNull();
      ids.push(id);
    }
    return ids;
  }

  /** A turn of conversation `id`: its user's text and the bot's answer, state `hi`. */
  function turn(id: string, text: string, o: { owner?: string; seqs?: number[] } = {}): TurnWrite {
    const now = new Date();
    const [inSeq, outSeq] = o.seqs ?? [0, 1];
    const messages: StoredMessage[] = [
      {
        id: ulid(),
        seq: inSeq,
        direction: 'inbound',
        message: { type: 'text', text },
        state: null,
        created_at: now.toISOString(),
      },
      {
        id: ulid(),
        seq: outSeq,
        direction: 'outbound',
        message: { type: 'text', text: `re: ${text}` },
        state: 'hi',
        created_at: now.toISOString(),
      },
    ];
    return {
      conversationId: id,
      owner: o.owner ?? OWNER,
      session: { state: 'hi', variables: { said: text }, retries: 0, status: 'active' },
      status: 'ACTIVE',
      contactName: null,
      messages,
      lastPreview: `re: ${text}`,
      expiresAt: null,
      now,
      trace: { id: ulid(), events: [{ type: 'state_entered', state: 'hi' }], durationMs: 1 },
      outbox: [],
      inboxEventId: null,
    };
  }

  interface Row {
    id: string;
    tx: string;
    lease_owner: string | null;
    said: string | null;
    texts: string | null;
  }
  const rowsOf = (ids: string[]): Promise<Row[]> =>
    t.db.query<Row[]>(
      `SELECT c.id, c.xmin::text AS tx, c.lease_owner, c.session -> 'variables' ->> 'said' AS said,
              (SELECT string_agg(m.message ->> 'text', '|' ORDER BY m.seq) FROM messages m
                WHERE m.conversation_id = c.id) AS texts
         FROM conversations c WHERE c.id = ANY($1::bpchar[]) ORDER BY c.id`,
      [ids],
    );

  it('should write turns made at once in shared statements, each turn whole and released', async () => {
    const ids = await leased(10);
    const results = await Promise.all(ids.map((id, i) => repo.commitTurn(turn(id, `m${i}`))));
    for (const r of results)
      expect(r).toEqual({ ok: true, claimedOutboxIds: [], storedOutboxIds: [] });
    const rows = await rowsOf(ids);
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      expect(row).toMatchObject({ lease_owner: null, said: `m${i}`, texts: `m${i}|re: m${i}` });
    }
    // Two statements run at once: the first two turns went alone, the other eight together
    // (one transaction: the same xmin on their rows).
    expect(new Set(rows.map((r) => r.tx)).size).toBe(3);
  });

  it('should write the other turns of a statement when one of them fails, and nothing of it', async () => {
    const ids = await leased(6);
    // Turn 4 stores two messages with one seq: a unique violation, in the statement of turns 2 to 5.
    const results = await Promise.allSettled(
      ids.map((id, i) => repo.commitTurn(turn(id, `f${i}`, i === 4 ? { seqs: [0, 0] } : {}))),
    );
    expect(results[4].status).toBe('rejected');
    expect(String((results[4] as PromiseRejectedResult).reason)).toMatch(/duplicate key|unique/i);
    const rows = await rowsOf(ids);
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      if (i === 4) expect(row).toMatchObject({ lease_owner: OWNER, said: null, texts: null });
      else {
        expect(results[i]).toEqual({
          status: 'fulfilled',
          value: expect.objectContaining({ ok: true }),
        });
        expect(row).toMatchObject({ lease_owner: null, said: `f${i}`, texts: `f${i}|re: f${i}` });
      }
    }
  });

  it("should leave out a turn whose lease is someone else's, and write the others of its statement", async () => {
    const ids = await leased(5);
    const results = await Promise.all(
      ids.map((id, i) =>
        repo.commitTurn(turn(id, `l${i}`, i === 3 ? { owner: 'not-the-owner' } : {})),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true]);
    const rows = await rowsOf(ids);
    expect(rows.find((r) => r.id === ids[3])).toMatchObject({ lease_owner: OWNER, texts: null });
    // Turns 2 to 4 were one statement: 2 and 4 written by it, 3 not.
    expect(rows.find((r) => r.id === ids[2])!.tx).toBe(rows.find((r) => r.id === ids[4])!.tx);
  });
});
