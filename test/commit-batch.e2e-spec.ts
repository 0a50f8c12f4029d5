import { ulid } from 'ulid';
import {
  ConversationRepository,
  type StoredMessage,
  type TurnWrite,
} from '../src/conversation/conversation.repository';
import { InboxRepository } from '../src/inbox/inbox.repository';
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
    // One statement of a kind runs at a time: the first turn went alone, the other nine
    // together (one transaction: the same xmin on their rows).
    expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
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

/**
 * Webhook events stored at once, each with its turn's first try at the session's lease, share
 * statements (ConversationRepository.tryLeaseByKeyAfter), each with its own outcome.
 */
describe('events stored and leases tried together', () => {
  let t: TestApp;
  let repo: ConversationRepository;
  let inbox: InboxRepository;
  let chatbotId: string;
  let integrationId: string;
  const OWNER = 'inbox:batch-test';

  beforeAll(async () => {
    t = await startTestApp();
    repo = t.handle.app.get(ConversationRepository);
    inbox = t.handle.app.get(InboxRepository);
    const { auth } = await t.newWorkspace();
    ({ chatbotId } = await publishedBot(t, auth, FLOW));
    integrationId = ulid();
    await t.db.query(
      `INSERT INTO integrations (id, chatbot_id, type, name, config) VALUES ($1, $2, 'whatsapp', 'batch', '{}')`,
      [integrationId, chatbotId],
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An open WhatsApp session of `key`, its lease held by `holder` (none: free). */
  async function session(key: string, holder?: string): Promise<string> {
    const id = ulid();
    await repo.create({
      id,
      chatbotId,
      channel: 'whatsapp',
      userId: key,
      contactName: null,
      owner: 'creator',
      leaseMs: 60_000,
      now: new Date(),
      sessionKey: key,
    });
    await repo.release(id, 'creator');
    if (holder)
      await t.db.query(
        `UPDATE conversations SET lease_owner = $2, lease_until = now() + interval '1 minute' WHERE id = $1`,
        [id, holder],
      );
    return id;
  }

  /** Stores a message event of `key` and tries its session's lease, as a webhook does. */
  function arrive(key: string, wamid = `wamid.${ulid()}`) {
    const { id, gate } = inbox.storeClaimedGate(
      {
        integrationId,
        chatbotId,
        channel: 'whatsapp',
        providerMessageId: wamid,
        kind: 'message',
        sessionKey: key,
        payload: { userId: key, message: { type: 'text', text: `from ${key}` } },
      },
      OWNER,
      60_000,
    );
    const tried = repo.tryLeaseByKeyAfter(
      gate,
      key,
      chatbotId,
      'whatsapp',
      `lease:${key}`,
      60_000,
      60_000,
    );
    return tried.then((r) => ({ id, ...r }));
  }

  const eventsOf = (ids: string[]) =>
    t.db.query<Array<{ id: string; tx: string; locked_by: string | null; text: string }>>(
      `SELECT id, xmin::text AS tx, locked_by, payload -> 'message' ->> 'text' AS text
         FROM inbox_events WHERE id = ANY($1::bpchar[])`,
      [ids],
    );

  it('should store events arriving at once in shared statements, each claimed with its lease taken', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `2557000${ulid().slice(-6)}${i}`);
    const ids = await Promise.all(keys.map((k) => session(k)));
    const tried = await Promise.all(keys.map((k) => arrive(k)));
    for (const [i, r] of tried.entries()) {
      expect(r.go).toBe(true);
      expect(r.first).toEqual({
        row: expect.objectContaining({ id: ids[i], session_key: keys[i] }),
      });
    }
    const leases = await t.db.query<Array<{ id: string; lease_owner: string }>>(
      `SELECT id, lease_owner FROM conversations WHERE id = ANY($1::bpchar[])`,
      [ids],
    );
    for (const row of leases) expect(row.lease_owner).toBe(`lease:${keys[ids.indexOf(row.id)]}`);
    const events = await eventsOf(tried.map((r) => r.id));
    expect(events).toHaveLength(10);
    for (const e of events) {
      expect(e.locked_by).toBe(OWNER);
      expect(e.text).toBe(`from ${keys[tried.findIndex((r) => r.id === e.id)]}`);
    }
    // One statement of a kind runs at a time: the first event went alone, the other nine together.
    expect(new Set(events.map((e) => e.tx)).size).toBe(2);
  });

  it('should give each event of a shared statement its own outcome', async () => {
    const free = `2557100${ulid().slice(-6)}`;
    const held = `2557200${ulid().slice(-6)}`;
    const none = `2557300${ulid().slice(-6)}`;
    const again = `2557400${ulid().slice(-6)}`;
    const freeId = await session(free);
    const heldId = await session(held, 'someone-else');
    await session(again);
    const stored = await arrive(again, 'wamid.stored-before');
    expect(stored.go).toBe(true);
    // Two first, so that the next four wait and go together.
    const [, , ...tried] = await Promise.all([
      arrive(`2557500${ulid().slice(-6)}`),
      arrive(`2557600${ulid().slice(-6)}`),
      arrive(free),
      arrive(held),
      arrive(none),
      arrive(again, 'wamid.stored-before'),
    ]);
    const [toFree, toHeld, toNone, duplicate] = tried;
    expect(toFree).toMatchObject({
      go: true,
      first: { row: expect.objectContaining({ id: freeId }) },
    });
    // The lease is someone else's: a place in line.
    expect(toHeld).toMatchObject({ go: true, first: { ticket: expect.any(String), id: heldId } });
    // No open session of that key: stored and claimed, no lease.
    expect(toNone).toMatchObject({ go: true, first: null });
    // The same provider id again: not stored.
    expect(duplicate).toMatchObject({ go: null, first: null });
    expect(await eventsOf([duplicate.id])).toEqual([]);
    const events = await eventsOf([toFree.id, toHeld.id, toNone.id]);
    expect(new Set(events.map((e) => e.tx)).size).toBe(1);
  });

  it('should keep two events of one user out of one statement: the later one waits in order', async () => {
    const key = `2557700${ulid().slice(-6)}`;
    await session(key);
    const [first, second] = await Promise.all([
      arrive(`2557800${ulid().slice(-6)}`),
      arrive(`2557900${ulid().slice(-6)}`),
      arrive(key),
      arrive(key),
    ]).then((all) => all.slice(2));
    expect(first).toMatchObject({ go: true, first: { row: expect.anything() } });
    // Stored after the first, still pending: not claimed now, so no lease tried.
    expect(second).toMatchObject({ go: false, first: null });
    const events = await t.db.query<Array<{ id: string; seq: string }>>(
      `SELECT id, seq::text FROM inbox_events WHERE id = ANY($1::bpchar[]) ORDER BY seq`,
      [[first.id, second.id]],
    );
    expect(events.map((e) => e.id)).toEqual([first.id, second.id]);
  });
});
