import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { LOGGER } from '../src/common/logger';
import { newId } from '../src/common/new-id';
import { APP_CONFIG } from '../src/config/config.module';
import { DatabaseReady } from '../src/database/database-ready';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import type { DeliveryResult, OutboxDelivery, OutboxHandler } from '../src/outbox/outbox-handler';
import { OutboxHandlers } from '../src/outbox/outbox-handlers';
import { OutboxRepository } from '../src/outbox/outbox.repository';
import { ConversationRepository } from '../src/conversation/conversation.repository';
import { enqueueOutboxSql, outboxEntriesJson } from '../src/outbox/outbox-sql';
import { sqlRows } from '../src/database/sql';
import { Backend, startBackend } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, boundMs = 20_000) {
  const end = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * A handler kind for tests: payload `{key, n, fail?}`. `fail` is how many attempts fail
 * (retryable, retried after 20 ms); `fail: "forever"` fails for good. Records what it sees.
 */
class RecordingHandler implements OutboxHandler {
  constructor(
    readonly kind = 'test_record',
    readonly perChatbot?: number,
  ) {}
  readonly delivered: Array<{ key: string; n: number; id: string; claimCheck?: boolean }> = [];
  /** See OutboxHandler.claimCheck. */
  claimCheck: string | undefined;
  readonly attempts = new Map<string, number>();
  private readonly inFlightByKey = new Map<string, number>();
  maxInFlightPerKey = 0;
  hold: ((d: OutboxDelivery) => Promise<void>) | undefined;
  /** What each attempt records beside its end (DeliveryResult.record). */
  record: ((d: OutboxDelivery) => DeliveryResult['record']) | undefined;

  async deliver(d: OutboxDelivery): Promise<DeliveryResult> {
    const p = d.payload as { key: string; n: number; fail?: number | 'forever' };
    const inFlight = (this.inFlightByKey.get(p.key) ?? 0) + 1;
    this.inFlightByKey.set(p.key, inFlight);
    this.maxInFlightPerKey = Math.max(this.maxInFlightPerKey, inFlight);
    try {
      await this.hold?.(d);
      await sleep(Math.random() * 5);
      const seen = (this.attempts.get(d.id) ?? 0) + 1;
      this.attempts.set(d.id, seen);
      if (p.fail === 'forever') return { ok: false, retryable: false, error: 'refused for good' };
      if (p.fail !== undefined && seen <= p.fail)
        return { ok: false, retryable: true, error: `try ${seen} failed`, retryAfterMs: 20 };
      this.delivered.push({ key: p.key, n: p.n, id: d.id, claimCheck: d.claimCheck });
      return { ok: true, record: this.record?.(d) };
    } finally {
      this.inFlightByKey.set(p.key, (this.inFlightByKey.get(p.key) ?? 1) - 1);
    }
  }
}

/** A second dispatcher in the same app: another "instance" draining the same table. */
function secondDispatcher(t: TestApp): OutboxDispatcher {
  const app = t.handle.app;
  const d = new OutboxDispatcher(
    app.get(OutboxRepository),
    app.get(OutboxHandlers),
    app.get(DatabaseReady),
    app.get(APP_CONFIG),
    app.get<Logger>(LOGGER),
  );
  d.onApplicationBootstrap();
  return d;
}

const ENV = { OUTBOX_POLL_MS: '50', OUTBOX_SHUTDOWN_MS: '500' };

describe('OutboxDispatcher', () => {
  let t: TestApp;
  let handler: RecordingHandler;
  let repo: OutboxRepository;
  const chatbotId = newId();

  beforeEach(async () => {
    t = await startTestApp(ENV);
    handler = new RecordingHandler();
    t.handle.app.get(OutboxHandlers).register(handler);
    repo = t.handle.app.get(OutboxRepository);
  });
  afterEach(() => t.close());

  const row = (key: string, n: number, fail?: number | 'forever') => ({
    id: newId(),
    kind: 'test_record',
    orderingKey: key,
    payload: { key, n, ...(fail !== undefined ? { fail } : {}) },
  });

  describe('ordering', () => {
    it('should keep each key in order and deliver nothing twice, with failures and two workers', async () => {
      const second = secondDispatcher(t);
      const rows = [];
      for (let n = 0; n < 10; n++)
        for (const key of ['k1', 'k2', 'k3', 'k4', 'k5'])
          rows.push(row(key, n, (n * 7 + key.charCodeAt(1)) % 4 === 0 ? 2 : undefined));
      // Enqueued one at a time so enqueue order is well defined within each key.
      for (const r of rows) await repo.enqueue([r], { chatbotId, conversationId: null });
      t.handle.app.get(OutboxDispatcher).kick();
      second.kick();
      // Delivered is recorded before the row is marked done: wait for the table, not the handler.
      const doneRows = async () =>
        (await t.db.query(`SELECT count(*)::int AS n FROM outbox WHERE status = 'done'`))[0].n;
      await until(async () => (await doneRows()) === 50, 'all 50 rows done');
      await second.beforeApplicationShutdown();

      const ids = handler.delivered.map((d) => d.id);
      expect(new Set(ids).size).toBe(50);
      for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
        const order = handler.delivered.filter((d) => d.key === key).map((d) => d.n);
        expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
      expect(handler.maxInFlightPerKey).toBe(1);
      expect([...handler.attempts.values()].some((n) => n > 1)).toBe(true);
      const statuses = await t.db.query(
        `SELECT status, count(*)::int AS n FROM outbox GROUP BY status`,
      );
      expect(statuses).toEqual([{ status: 'done', n: 50 }]);
    });

    it('should let other keys run while a head waits for its retry, and move on past a final failure', async () => {
      let heldHeadAttempts = 0;
      handler.hold = async (d) => {
        if (
          (d.payload as { key: string; n: number }).key === 'slow' &&
          (d.payload as { n: number }).n === 0
        )
          heldHeadAttempts++;
      };
      await repo.enqueue([row('dead', 0, 'forever')], { chatbotId, conversationId: null });
      await repo.enqueue([row('dead', 1)], { chatbotId, conversationId: null });
      // The slow head is due only in 2 s (written that way at once: the sweeper runs meanwhile).
      await t.db.query(
        `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, payload, next_attempt_at)
         VALUES ($1, 'test_record', 'slow', $2, $3, now() + interval '2 seconds')`,
        [newId(), chatbotId, JSON.stringify({ key: 'slow', n: 0, fail: 1 })],
      );
      await repo.enqueue([row('slow', 1)], { chatbotId, conversationId: null });
      for (let n = 0; n < 5; n++)
        await repo.enqueue([row('fast', n)], { chatbotId, conversationId: null });
      t.handle.app.get(OutboxDispatcher).kick();

      await until(() => handler.delivered.filter((d) => d.key === 'fast').length === 5, 'fast key');
      // The other keys went on while 'slow' waited, and its second row did not jump the queue.
      expect(heldHeadAttempts).toBe(0);
      expect(handler.delivered.some((d) => d.key === 'slow')).toBe(false);
      await until(
        () => handler.delivered.some((d) => d.key === 'dead'),
        'the row after a failed head',
      );
      const [dead] = await t.db.query(
        `SELECT status, last_error FROM outbox WHERE payload->>'key' = 'dead' AND payload->>'n' = '0'`,
      );
      expect(dead).toEqual({ status: 'failed', last_error: 'refused for good' });
      await until(() => handler.delivered.filter((d) => d.key === 'slow').length === 2, 'slow key');
      expect(handler.delivered.filter((d) => d.key === 'slow').map((d) => d.n)).toEqual([0, 1]);
    });

    /** What a turn's commit does with its outbox rows (COMMIT_TURN_SQL's part, then afterCommit). */
    async function commitRows(entries: ReturnType<typeof row>[]) {
      const { claimed, after } = await storeRows(entries);
      after();
      return claimed;
    }

    /** commitRows' statement; `after` is its afterCommit, called when the commit returns. */
    async function storeRows(entries: ReturnType<typeof row>[]) {
      const dispatcher = t.handle.app.get(OutboxDispatcher);
      const claim = dispatcher.claimInCommit(chatbotId, entries);
      const stored = await sqlRows<{ id: string; claimed: boolean }>(
        t.db,
        enqueueOutboxSql({
          entries: '$1',
          chatbotId: '$2',
          conversationId: 'NULL',
          now: 'clock_timestamp()',
          claimBy: { owner: '$3', ms: '$4', held: '$5' },
        }),
        [outboxEntriesJson(entries), chatbotId, claim?.owner, claim?.claimMs, claim?.held],
      );
      const claimed = stored.filter((r) => r.claimed).map((r) => r.id);
      const after = () =>
        dispatcher.afterCommit(entries, claimed, { chatbotId, conversationId: null }, claim);
      return { claimed: claimed.length, after };
    }

    it("should take a key's new rows behind the one in flight here, in order, without claiming them", async () => {
      const claims = jest.spyOn(repo, 'claim');
      const handOns = jest.spyOn(repo, 'finishMany');
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      let held = 0;
      handler.hold = (d) => {
        if ((d.payload as { key: string }).key !== 'user' || (d.payload as { n: number }).n > 0)
          return Promise.resolve();
        held++;
        return gate;
      };
      expect(await commitRows([row('user', 0)])).toBe(1);
      await until(() => held === 1, 'the first in flight');
      // While it is in flight: one row a turn, then a turn with two (a text and its buttons).
      expect(await commitRows([row('user', 1)])).toBe(1);
      expect(await commitRows([row('user', 2), row('user', 3)])).toBe(2);
      // Another user's row is not held behind them.
      expect(await commitRows([row('other', 0)])).toBe(1);
      await until(() => handler.delivered.some((d) => d.key === 'other'), "the other user's row");
      expect(handler.delivered.some((d) => d.key === 'user')).toBe(false);
      open();
      await until(() => handler.delivered.length === 5, 'every row');
      expect(handler.delivered.filter((d) => d.key === 'user').map((d) => d.n)).toEqual([
        0, 1, 2, 3,
      ]);
      expect(handler.maxInFlightPerKey).toBe(1);
      // Claimed in their commits, each started as the one before it ended: no claiming
      // query (nor a freed slot's hand-on) found them.
      for (const call of [...claims.mock.results, ...handOns.mock.results]) {
        const found = (await call.value) as OutboxDelivery[];
        expect(found.filter((d) => d.orderingKey === 'user')).toEqual([]);
      }
      await until(
        async () => (await t.db.query(`SELECT 1 FROM outbox WHERE status <> 'done'`)).length === 0,
        'the rows marked done',
      );
    });

    it("should free a chatbot's slot when the provider answers, before the end is written", async () => {
      // Ends wait (the statement that writes them runs only when let go).
      let writeEnds!: () => void;
      const endsHeld = new Promise<void>((r) => (writeEnds = r));
      const finishMany = repo.finishMany.bind(repo);
      jest
        .spyOn(repo, 'finishMany')
        .mockImplementation(async (...args) => endsHeld.then(() => finishMany(...args)));
      // The cap (4) filled by four users' replies, each answered at once.
      for (let n = 0; n < 4; n++) expect(await commitRows([row(`user-${n}`, 0)])).toBe(1);
      await until(() => handler.delivered.length === 4, 'the four replies');
      // Their ends are not written yet; a fifth user's reply takes a slot all the same.
      expect(await commitRows([row('user-4', 0)])).toBe(1);
      await until(() => handler.delivered.length === 5, 'the fifth reply');
      expect((await t.db.query(`SELECT 1 FROM outbox WHERE status = 'done'`)).length).toBe(0);
      writeEnds();
      await until(
        async () => (await t.db.query(`SELECT 1 FROM outbox WHERE status <> 'done'`)).length === 0,
        'the rows marked done',
      );
    });

    it('should give back the rows held behind a delivery to be tried again, and deliver them after it', async () => {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      let held = 0;
      handler.hold = (d) => {
        if ((d.payload as { n: number }).n > 0 || d.attempt > 1) return Promise.resolve();
        held++;
        return gate;
      };
      expect(await commitRows([row('user', 0, 1)])).toBe(1);
      await until(() => held === 1, 'the first in flight');
      expect(await commitRows([row('user', 1)])).toBe(1);
      expect(await commitRows([row('user', 2)])).toBe(1);
      open(); // its first try fails: tried again 20 ms later, before the two held behind it
      await until(() => handler.delivered.length === 3, 'every row');
      expect(handler.delivered.map((d) => d.n)).toEqual([0, 1, 2]);
      expect(handler.attempts.get(handler.delivered[0].id)).toBe(2);
      expect(handler.maxInFlightPerKey).toBe(1);
    });

    /**
     * Holds the first two tries of the rows numbered 0, each until its gate opens (`reached`:
     * the try has started).
     */
    function holdFirstTwoTries() {
      const gates = [0, 1].map(() => {
        let open!: () => void;
        const opened = new Promise<void>((r) => (open = r));
        return { open, opened, reached: false };
      });
      handler.hold = (d) => {
        const gate = (d.payload as { n: number }).n === 0 ? gates[d.attempt - 1] : undefined;
        if (!gate) return Promise.resolve();
        gate.reached = true;
        return gate.opened;
      };
      return gates;
    }

    it("should give back a commit's rows claimed behind a delivery that was to be tried again, even when that delivery has started again before the commit returned", async () => {
      // user/0's first try is held, then fails (tried again 20 ms later); its second try is
      // held too, so that the key is being delivered here again when the commit returns.
      const gates = holdFirstTwoTries();
      expect(await commitRows([row('user', 0, 1)])).toBe(1);
      await until(() => gates[0].reached, 'the first try in flight');
      expect(await commitRows([row('user', 1)])).toBe(1); // held behind it
      // A commit claims its row behind the delivery in flight, and has not returned yet …
      const slow = await storeRows([row('user', 2)]);
      expect(slow.claimed).toBe(1);
      // … when the first try fails: user/1 is given back, and the retry starts.
      gates[0].open();
      await until(() => gates[1].reached, 'the second try in flight');
      slow.after();
      gates[1].open();
      await until(() => handler.delivered.length === 3, 'every row');
      expect(handler.delivered.map((d) => d.n)).toEqual([0, 1, 2]);
      expect(handler.maxInFlightPerKey).toBe(1);
    });

    it('should not claim a new row behind a retry while a row of its key is still being given back', async () => {
      const gates = holdFirstTwoTries();
      // Claims given back wait (the statement runs only when let go).
      let letGo!: () => void;
      const releasesHeld = new Promise<void>((r) => (letGo = r));
      const release = repo.release.bind(repo);
      jest
        .spyOn(repo, 'release')
        .mockImplementation(async (ids, owner) =>
          ids.length ? releasesHeld.then(() => release(ids, owner)) : undefined,
        );
      expect(await commitRows([row('user', 0, 1)])).toBe(1);
      await until(() => gates[0].reached, 'the first try in flight');
      expect(await commitRows([row('user', 1)])).toBe(1); // held behind it
      // The first try fails: user/1 is being given back (still claimed here) as the retry starts.
      gates[0].open();
      await until(() => gates[1].reached, 'the second try in flight');
      // A turn's row now must not go behind the retry, ahead of user/1.
      expect(await commitRows([row('user', 2)])).toBe(0);
      letGo();
      gates[1].open();
      await until(() => handler.delivered.length === 3, 'every row');
      expect(handler.delivered.map((d) => d.n)).toEqual([0, 1, 2]);
      expect(handler.maxInFlightPerKey).toBe(1);
    });

    it('should keep one chatbot from taking every delivery slot', async () => {
      const busy = newId();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      handler.hold = (d) => (d.chatbotId === busy ? gate : Promise.resolve());
      for (let n = 0; n < 10; n++)
        await repo.enqueue([row(`busy-${n}`, n)], { chatbotId: busy, conversationId: null });
      for (let n = 0; n < 5; n++)
        await repo.enqueue([row(`other-${n}`, n)], { chatbotId, conversationId: null });
      t.handle.app.get(OutboxDispatcher).kick();
      await until(() => handler.delivered.length === 5, "the other chatbot's rows");
      expect(handler.delivered.every((d) => d.key.startsWith('other-'))).toBe(true);
      const [claimed] = await t.db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE chatbot_id = $1 AND locked_by IS NOT NULL`,
        [busy],
      );
      expect(claimed.n).toBe(4); // OUTBOX_PER_CHATBOT
      release();
      await until(() => handler.delivered.length === 15, 'all rows');
    });

    it("should hand a chatbot's freed slot to its oldest waiting row, with the kind's claim check", async () => {
      handler.claimCheck = `(o.payload->>'n')::int % 2 = 1`;
      const gates = new Map<number, () => void>();
      handler.hold = (d) => new Promise<void>((r) => gates.set((d.payload as { n: number }).n, r));
      for (let n = 0; n < 6; n++)
        await repo.enqueue([row(`fifo-${n}`, n)], { chatbotId, conversationId: null });
      const dispatcher = t.handle.app.get(OutboxDispatcher);
      dispatcher.kick();
      await until(() => gates.size === 4, 'the cap (4) filled');
      // A turn committing now stores its rows unclaimed, behind the waiting ones.
      expect(dispatcher.claimInCommit(chatbotId, [row('fresh', 0)])).toBeNull();
      gates.get(0)!();
      await until(() => gates.has(4), 'the slot for the oldest waiting row');
      expect(gates.has(5)).toBe(false);
      for (const n of [1, 2, 3]) gates.get(n)!();
      await until(() => gates.has(5), 'the last row');
      gates.get(4)!();
      gates.get(5)!();
      await until(() => handler.delivered.length === 6, 'all rows');
      expect(handler.delivered.map((d) => [d.n, d.claimCheck])).toEqual(
        expect.arrayContaining([0, 1, 2, 3, 4, 5].map((n) => [n, n % 2 === 1])),
      );
      // Nothing waits any more: a turn's rows are claimed in its commit again.
      await until(
        async () =>
          (await t.db.query(`SELECT 1 FROM outbox WHERE status = 'pending'`)).length === 0,
        'the rows marked done',
      );
      expect(dispatcher.claimInCommit(chatbotId, [row('fresh', 0)])).not.toBeNull();
    });

    it("should count each kind's deliveries apart, with a kind's own cap", async () => {
      const other = new RecordingHandler('test_other', 6);
      t.handle.app.get(OutboxHandlers).register(other);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      handler.hold = () => gate;
      other.hold = () => gate;
      for (let n = 0; n < 10; n++) {
        await repo.enqueue([row(`a-${n}`, n)], { chatbotId, conversationId: null });
        await repo.enqueue([{ ...row(`b-${n}`, n), kind: 'test_other' }], {
          chatbotId,
          conversationId: null,
        });
      }
      t.handle.app.get(OutboxDispatcher).kick();
      const claimedOf = async (kind: string) =>
        (
          await t.db.query(
            `SELECT count(*)::int AS n FROM outbox WHERE kind = $1 AND locked_by IS NOT NULL`,
            [kind],
          )
        )[0].n as number;
      // A held kind does not take the other's slots: each fills its own cap.
      await until(async () => (await claimedOf('test_other')) === 6, "the other kind's cap");
      expect(await claimedOf('test_record')).toBe(4);
      release();
      await until(
        () => handler.delivered.length === 10 && other.delivered.length === 10,
        'all rows',
      );
    });
  });

  /**
   * `n` outbound messages, queued, of one conversation of a real chatbot; `sentAs(id)` the
   * provider id a record gives the message of outbox row `id`.
   */
  async function queuedMessages(n: number): Promise<string[]> {
    const { auth } = await t.newWorkspace();
    const bot = await publishedBot(t, auth, { start: 'a', states: { a: { message: 'A' } } });
    const conversationId = newId();
    await t.db.query(
      `INSERT INTO conversations (id, chatbot_id, channel, user_id, status, session)
       VALUES ($1, $2, 'whatsapp', 'user-1', 'ACTIVE', '{}')`,
      [conversationId, bot.chatbotId],
    );
    const ids = Array.from({ length: n }, () => newId());
    for (const [seq, id] of ids.entries())
      await t.db.query(
        `INSERT INTO messages (id, conversation_id, seq, direction, message, created_at, delivery_status)
         VALUES ($1, $2, $3, 'outbound', '{"type":"text","text":"hi"}', now(), 'queued')`,
        [id, conversationId, seq + 1],
      );
    return ids;
  }
  const sentAs = (outboxId: string) => `wamid.${outboxId}`;
  const messageRows = (ids: string[]) =>
    t.db.query(
      `SELECT id, delivery_status, provider_message_id, delivery_error FROM messages
        WHERE id = ANY($1::bpchar[]) ORDER BY id`,
      [ids],
    );

  it("should write a delivery's record in its finishing statement, only while it holds the claim", async () => {
    const [keptMessage, lostMessage] = await queuedMessages(2);
    const kept = row('kept', 0);
    const lost = row('lost', 0);
    const messageOf = new Map([
      [kept.id, keptMessage],
      [lost.id, lostMessage],
    ]);
    handler.record = (d) =>
      ConversationRepository.markSent([messageOf.get(d.id)!], sentAs(d.id), null);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler.hold = (d) =>
      (d.payload as { key: string }).key === 'lost' ? gate : Promise.resolve();
    await repo.enqueue([kept, lost], { chatbotId, conversationId: null });
    t.handle.app.get(OutboxDispatcher).kick();
    await until(() => handler.delivered.some((d) => d.key === 'kept'), 'the kept row');
    await until(
      async () =>
        (
          await t.db.query(`SELECT 1 FROM outbox WHERE id = $1 AND locked_by IS NOT NULL`, [
            lost.id,
          ])
        ).length === 1,
      'the lost row claimed',
    );
    // Its claim is taken over (it ran out and another instance took it) while it delivers.
    await t.db.query(`UPDATE outbox SET locked_by = 'another instance' WHERE id = $1`, [lost.id]);
    release();
    await until(() => handler.delivered.some((d) => d.key === 'lost'), 'the lost row');
    await t.handle.app.get(OutboxDispatcher).idle();
    const byId = new Map(
      (await messageRows([keptMessage, lostMessage])).map((m: { id: string }) => [m.id, m]),
    );
    expect(byId.get(keptMessage)).toMatchObject({
      delivery_status: 'sent',
      provider_message_id: sentAs(kept.id),
    });
    expect(byId.get(lostMessage)).toMatchObject({
      delivery_status: 'queued',
      provider_message_id: null,
    });
    const [row0] = await t.db.query(`SELECT status, locked_by FROM outbox WHERE id = $1`, [
      lost.id,
    ]);
    expect(row0).toEqual({ status: 'pending', locked_by: 'another instance' });
  });

  it('should end deliveries that finish together in fewer statements, one bad record failing only its own', async () => {
    // On PGlite (one connection through pglite-socket) the statement after a failed one fails
    // too, so the bad record is only tried against PostgreSQL (`DATABASE_URL`).
    const bad = process.env.DATABASE_URL ? 7 : -1;
    const rows = Array.from({ length: 20 }, (_, n) => row(`together-${n}`, n));
    const messages = await queuedMessages(rows.length + 1);
    // Row 3 sends two messages (as an SMS may); row 5 fails for good; row 9 records nothing.
    const recordOf = (n: number, id: string): DeliveryResult['record'] =>
      n === 9
        ? undefined
        : n === 3
          ? ConversationRepository.markSent([messages[3], messages[20]], sentAs(id), 2)
          : n === 5
            ? ConversationRepository.markFailed([messages[5]], {
                code: '131026',
                title: 'Undeliverable',
              })
            : ConversationRepository.markSent([messages[n]], sentAs(id), null);
    handler.record = (d) => {
      const n = (d.payload as { n: number }).n;
      // A segment count that is no integer: the statement ending its attempt fails.
      if (n === bad) return ConversationRepository.markSent([messages[n]], sentAs(d.id), 1.5);
      return recordOf(n, d.id);
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler.hold = () => gate;
    for (const r of rows) await repo.enqueue([r], { chatbotId: newId(), conversationId: null });
    const statements = jest.spyOn(repo, 'finishMany');
    t.handle.app.get(OutboxDispatcher).kick();
    await until(
      async () =>
        (await t.db.query(`SELECT 1 FROM outbox WHERE locked_by IS NOT NULL`)).length === 20,
      'all 20 claimed',
    );
    release();
    await until(() => handler.delivered.length === 20, 'all 20 delivered');
    await t.handle.app.get(OutboxDispatcher).idle();
    const done = await t.db.query<Array<{ id: string; payload: unknown }>>(
      `SELECT id, payload FROM outbox WHERE status = 'done'`,
    );
    const good = rows.map((_, n) => n).filter((n) => n !== bad);
    expect(done.map((r) => rows.findIndex((w) => w.id === r.id)).sort((a, b) => a - b)).toEqual(
      good,
    );
    // A delivered row drops its payload: what was sent is on the messages (a row that failed
    // for good keeps it: the dead-letter test above finds it by its payload).
    expect(done.map((r) => r.payload)).toEqual(good.map(() => ({})));
    const byId = new Map(
      (await messageRows(messages)).map((m: { id: string; [k: string]: unknown }) => [m.id, m]),
    );
    for (const [n, r] of rows.entries()) {
      const m = byId.get(messages[n]);
      if (n === bad || n === 9) expect(m).toMatchObject({ delivery_status: 'queued' });
      else if (n === 5)
        expect(m).toMatchObject({
          delivery_status: 'failed',
          delivery_error: { code: '131026', title: 'Undeliverable' },
        });
      else expect(m).toMatchObject({ delivery_status: 'sent', provider_message_id: sentAs(r.id) });
    }
    expect(byId.get(messages[20])).toMatchObject({
      delivery_status: 'sent',
      provider_message_id: sentAs(rows[3].id),
    });
    // Ends that came while one was being written went together in the next statement.
    expect(statements.mock.calls.some((call) => call[1].length > 1)).toBe(true);
  });

  it('should deliver rows left pending by a stopped instance after a restart', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler.hold = () => gate;
    for (let n = 0; n < 6; n++)
      await repo.enqueue([row(`r${n % 2}`, n)], { chatbotId, conversationId: null });
    t.handle.app.get(OutboxDispatcher).kick();
    await until(async () => {
      const [c] = await t.db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE locked_by IS NOT NULL`,
      );
      return c.n === 2;
    }, 'two heads claimed');
    t.keep();
    const closing = t.close(); // waits OUTBOX_SHUTDOWN_MS, then releases the two claims
    await closing;
    release();
    expect(handler.delivered).toEqual([]);

    const again = process.env.DATABASE_URL
      ? await startTestApp(ENV, { databaseUrl: t.databaseUrl, ownsDatabase: true })
      : await startTestApp(ENV, { dataDir: t.dataDir });
    const after = new RecordingHandler();
    again.handle.app.get(OutboxHandlers).register(after);
    try {
      again.handle.app.get(OutboxDispatcher).kick();
      await until(() => after.delivered.length === 6, 'all rows after the restart');
      expect(after.delivered.filter((d) => d.key === 'r0').map((d) => d.n)).toEqual([0, 2, 4]);
      expect(after.delivered.filter((d) => d.key === 'r1').map((d) => d.n)).toEqual([1, 3, 5]);
      const [attempts] = await again.db.query(`SELECT max(attempts)::int AS n FROM outbox`);
      expect(attempts.n).toBe(1); // released claims did not count as attempts
    } finally {
      await again.close();
      if (!process.env.DATABASE_URL) rmSync(t.dataDir, { recursive: true, force: true });
      // Reopen something for afterEach to close.
      t = await startTestApp(ENV);
    }
  });
});

describe('Fire-and-forget deliveries of different chatbots', () => {
  let t: TestApp;
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend();
    t = await startTestApp({ ...ENV, OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
  });
  afterAll(async () => {
    await backend.close();
    await t.close();
  });

  const fireFlow = (url: string) => ({
    start: 'go',
    states: {
      go: {
        message: 'Noted',
        actions: [{ type: 'API_CALL', url, method: 'POST', body: {}, fire_and_forget: true }],
        end: true,
      },
    },
  });

  it("should not wait on another chatbot's slow backend", async () => {
    backend.respond((call) => ({
      status: 200,
      body: {},
      delayMs: call.url === '/slow' ? 15_000 : 0,
    }));
    const { auth } = await t.newWorkspace();
    const slow = await publishedBot(t, auth, fireFlow(`${backend.url}/slow`));
    const fast = await publishedBot(t, auth, fireFlow(`${backend.url}/fast`));
    for (let i = 0; i < 4; i++)
      await t.http().post(`${slow.base}/chat/sessions`).set(auth).send({}).expect(201);
    await until(() => backend.calls.filter((c) => c.url === '/slow').length === 4, 'slow calls');
    await t.http().post(`${fast.base}/chat/sessions`).set(auth).send({}).expect(201);
    await until(() => backend.calls.some((c) => c.url === '/fast'), 'the fast call', 10_000);
    const [slowRows] = await t.db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE chatbot_id = $1 AND status = 'pending'`,
      [slow.chatbotId],
    );
    expect(slowRows.n).toBe(4); // still in flight while the other chatbot's call went through
  });
});
