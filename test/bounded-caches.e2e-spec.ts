import type { Pool } from 'pg';
import { ulid } from 'ulid';
import { FlowCache } from '../src/conversation/flow-cache';
import { sqlRows, statementName } from '../src/database/sql';
import { FlowsRepository } from '../src/flows/flows.repository';
import { InboxRepository } from '../src/inbox/inbox.repository';
import { ConversationRepository } from '../src/conversation/conversation.repository';
import { finishStatement, OutboxRepository } from '../src/outbox/outbox.repository';
import { ApiKeyCache } from '../src/workspaces/api-key-cache';
import { generateApiKey } from '../src/workspaces/api-key-hash';
import { publishedBot } from './support/flows';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const FLOW = {
  start: 'hi',
  states: { hi: { message: 'Hello', transitions: { always: 'hi' } } },
};

/** The per-instance caches in front of the database stay within their bounds (issue 14). */
describe('bounded caches', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('prepared statements', () => {
    it('should run a statement prepared on its connection, planned once for any parameters', async () => {
      // The statement looks itself up: it is prepared on the connection that runs it.
      const sql = `SELECT name, generic_plans::int AS generic, custom_plans::int AS custom,
                          current_setting('plan_cache_mode') AS mode
                     FROM pg_prepared_statements WHERE name = $1`;
      const name = statementName(sql);
      expect(name).toBeDefined();
      for (let run = 0; run < 8; run++) {
        const [row] = await sqlRows<{
          name: string;
          generic: number;
          custom: number;
          mode: string;
        }>(t.db, sql, [name]);
        expect(row).toMatchObject({ name, custom: 0, mode: 'force_generic_plan' });
        expect(row.generic).toBeGreaterThanOrEqual(1);
      }
    });

    it('should prepare its statements again on a new connection (PGlite: one session for all)', async () => {
      const sql = 'SELECT $1::int + 1 AS n';
      expect(await sqlRows(t.db, sql, [1])).toEqual([{ n: 2 }]);
      // Every connection the pool holds is dropped; the next statement runs on a new one.
      const pool = (t.db.driver as unknown as { master: Pool }).master;
      const held = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
      for (const client of held) client.release(true);
      // The embedded server frees its one connection slot a moment after the socket closes.
      await new Promise((r) => setTimeout(r, 200));
      expect(await sqlRows(t.db, sql, [2])).toEqual([{ n: 3 }]);
    });

    it('should prepare a statement again when its table changed shape (a migration elsewhere)', async () => {
      await t.db.query('CREATE TABLE prepared_probe (id int)');
      await t.db.query('INSERT INTO prepared_probe VALUES (1)');
      const sql = 'SELECT * FROM prepared_probe';
      // Prepared on every pooled connection.
      const pool = (t.db.driver as unknown as { master: Pool }).master;
      const all = Array.from({ length: Math.max(1, pool.totalCount) }, () => sqlRows(t.db, sql));
      for (const rows of await Promise.all(all)) expect(rows).toEqual([{ id: 1 }]);
      await t.db.query('ALTER TABLE prepared_probe ADD COLUMN note text');
      for (let run = 0; run < 3; run++)
        expect(await sqlRows(t.db, sql)).toEqual([{ id: 1, note: null }]);
      await t.db.query('DROP TABLE prepared_probe');
    });

    it('should run statements unnamed with DATABASE_PREPARED_STATEMENTS=false (for a pooler)', async () => {
      const off = await startTestApp({ DATABASE_PREPARED_STATEMENTS: 'false' });
      try {
        const sql = `SELECT current_setting('plan_cache_mode') AS mode,
                            (SELECT count(*)::int FROM pg_prepared_statements WHERE name = $1) AS named`;
        for (let run = 0; run < 3; run++)
          expect(await sqlRows(off.db, sql, [statementName(sql)])).toEqual([
            { mode: 'auto', named: 0 },
          ]);
      } finally {
        await off.close();
      }
    });
  });

  describe('work per statement', () => {
    // One pooled connection: the statement the repository prepared is the one explained, and
    // a connection dropped after a failure shows.
    let one: TestApp;
    beforeAll(async () => {
      one = await startTestApp({ DATABASE_POOL_SIZE: '1', OUTBOX_POLL_MS: '0' });
    });
    afterAll(async () => {
      await one?.close();
    });

    it('should keep its connection after a statement fails, and run the next one on it', async () => {
      const backend = `SELECT pg_backend_pid() AS pid`;
      const [before] = await sqlRows<{ pid: number }>(one.db, backend);
      const failing: Array<[string, unknown[]]> = [
        ['SELECT $1::int / 0 AS n', [1]],
        ['SELECT 1 / 0 AS n', []],
      ];
      for (const [sql, params] of failing) {
        // Twice: the second run of a named statement goes without its Parse.
        for (let run = 0; run < 2; run++) {
          await expect(sqlRows(one.db, sql, params)).rejects.toThrow('division by zero');
          // The embedded database has one connection slot: a connection closed after the
          // failure made this statement fail ("Connection terminated unexpectedly").
          expect(await sqlRows(one.db, 'SELECT $1::int + 1 AS n', [run])).toEqual([{ n: run + 1 }]);
        }
      }
      const [after] = await sqlRows<{ pid: number }>(one.db, backend);
      expect(after.pid).toBe(before.pid);
    });

    it('should not read the pages of delivered rows again on every claim, before any vacuum', async () => {
      // A new server: no statistics on the outbox yet (as in the bench's database, which no
      // autovacuum analyzes either).
      const fresh = await startTestApp({ DATABASE_POOL_SIZE: '1', OUTBOX_POLL_MS: '0' });
      try {
        // Rows delivered just now: their entries in the due index are dead, and stay until a
        // VACUUM. Nothing is due.
        const DELIVERED = 2000;
        await fresh.db.query(
          `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, payload, created_at, next_attempt_at)
           SELECT left(md5(random()::text), 26), 'probe.unhandled', 'delivered-' || n, $1,
                  jsonb_build_object('text', repeat('x', 1000)), now() - interval '1 minute',
                  now() - interval '1 minute'
             FROM generate_series(1, ${DELIVERED}) n`,
          [ulid()],
        );
        const [{ xid }] = await fresh.db.query(
          `WITH done AS (UPDATE outbox SET status = 'done' WHERE status = 'pending' RETURNING 1)
           SELECT txid_current()::text AS xid FROM done LIMIT 1`,
        );
        // A scan marks an entry dead only once no transaction running anywhere on the server
        // (other tests' too, on PostgreSQL) began before the rows were delivered.
        await waitFor(
          async () =>
            (
              await fresh.db.query(
                `SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS clear`,
                [xid],
              )
            )[0].clear,
          30_000,
        );
        // Planned again now, on a table of this size (the plan made for the empty table when
        // the server started would serve any table as well, whatever it is).
        await fresh.db.query('DISCARD PLANS');
        const repo = fresh.handle.app.get(OutboxRepository);
        // The first claim after they were delivered finds their entries dead and marks them so.
        expect(await repo.claim('probe-owner', 5, 60_000, [])).toEqual([]);
        const pages = await claimPages(fresh);
        const [{ heap }] = await fresh.db.query(
          `SELECT pg_relation_size('outbox') / current_setting('block_size')::int AS heap`,
        );
        // The due index's pages only. A bitmap scan (PostgreSQL's choice for the claim's query
        // as a statement of its own) read the heap page of every delivered row again, on every
        // claim: 2,000 heap pages and 5 ms a claim in the bench.
        expect(Number(heap)).toBeGreaterThan(DELIVERED / 8);
        expect(pages).toBeLessThan(DELIVERED / 40);
      } finally {
        await fresh.close();
      }
    });

    it('should look at each waiting outbox row once when claiming, however long the backlog', async () => {
      const chatbotId = ulid();
      const insert = (keys: number, perKey: number, status: string) =>
        one.db.query(
          `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, payload, status, created_at, next_attempt_at)
           SELECT left(md5(random()::text), 26), 'probe.unhandled', $3 || k, $1, '{}', $2,
                  now() - interval '1 minute' + n * interval '1 second', now() - interval '1 minute'
             FROM generate_series(1, ${keys}) k, generate_series(1, ${perKey}) n`,
          [chatbotId, status, `${status}-key-`],
        );
      // The usual state, as autovacuum analyzed it: many rows delivered, none waiting...
      await insert(2000, 3, 'done');
      await one.db.query('ANALYZE outbox');
      // ...then a burst: 120 keys with a row due each and a later row behind each.
      const KEYS = 120;
      const BACKLOG = KEYS * 2;
      await insert(KEYS, 2, 'pending');
      const repo = one.handle.app.get(OutboxRepository);
      const first = await repo.claim('probe-owner', 5, 60_000, []);
      expect(first).toHaveLength(5);
      const pages = await claimPages(one);
      // Linear: the backlog once, a probe of each due row's key, the rows claimed. Reading the
      // whole backlog for each row looked at (the due index for the per-key lookup, which the
      // statistics made look empty) came to 56,650 rows here.
      expect(pages).toBeLessThan(BACKLOG * 10);
      expect(pages).toBeGreaterThanOrEqual(BACKLOG);
    });

    it("should find a session's lease by its id, before the table was ever analyzed", async () => {
      const { auth } = await one.newWorkspace();
      const bot = await publishedBot(one, auth, FLOW);
      const session = await one.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201);
      const id = session.body.session_id as string;
      // Many sessions of the same chatbot, in a table no statistics describe yet (a new server).
      const OTHERS = 400;
      await addSessions(one, bot.chatbotId, OTHERS);
      // A message takes the lease with the statement the repository prepared.
      await one
        .http()
        .post(`${bot.base}/chat/sessions/${id}/messages`)
        .set(auth)
        .send({ message: 'hi' })
        .expect(200);
      const [prepared] = await one.db.query(
        `SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH leased AS (%'`,
      );
      expect(prepared).toBeDefined();
      const [{ 'QUERY PLAN': plan }] = await one.db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "${prepared.name}"('${id}', '${bot.chatbotId}', NULL, 'probe-owner', 1000, 1000)`,
      );
      const looked = rowsLooked(plan, 'conversations');
      // The session's own row, by its primary key; through conversations_user_idx (the
      // chatbot's sessions) it was every one of them.
      expect(looked).toBeGreaterThanOrEqual(1);
      expect(looked).toBeLessThanOrEqual(2);
    });

    it('should find the conversations of turns committed together by their ids, before the table was ever analyzed', async () => {
      const { auth } = await one.newWorkspace();
      const bot = await publishedBot(one, auth, FLOW);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const session = await one.http().post(`${bot.base}/chat/sessions`).set(auth).expect(201);
        ids.push(session.body.session_id as string);
      }
      const OTHERS = 400;
      await addSessions(one, bot.chatbotId, OTHERS);
      const [prepared] = await one.db.query(
        `SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH t AS (%batch_rows(%'`,
      );
      expect(prepared).toBeDefined();
      // Three turns whose lease is held by nobody: each row is found, none is written.
      const turns = ids.map((id) => ({
        id,
        owner: 'probe-owner',
        session: {},
        messages: [],
        outbox: [],
      }));
      const [{ 'QUERY PLAN': plan }] = await one.db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "${prepared.name}"('${JSON.stringify(turns)}', NULL)`,
      );
      // Each turn's own row, by the primary key; a hash join read all 403 of them.
      expect(rowsLooked(plan, 'conversations')).toBeGreaterThanOrEqual(3);
      expect(rowsLooked(plan, 'conversations')).toBeLessThanOrEqual(6);
    });

    it('should find the sessions of events stored together by their keys, before the table was ever analyzed', async () => {
      const { auth } = await one.newWorkspace();
      const { chatbotId } = await publishedBot(one, auth, FLOW);
      const integrationId = ulid();
      await one.db.query(
        `INSERT INTO integrations (id, chatbot_id, type, name, config) VALUES ($1, $2, 'whatsapp', 'probe', '{}')`,
        [integrationId, chatbotId],
      );
      // 400 open WhatsApp sessions of the chatbot, each with its user's key.
      await one.db.query(
        `INSERT INTO conversations (id, chatbot_id, channel, user_id, status, session, session_key)
         SELECT left(md5(random()::text), 26), $1, 'whatsapp', 'user-' || n, 'ACTIVE', '{}', 'user-' || n
           FROM generate_series(1, 400) n`,
        [chatbotId],
      );
      const inbox = one.handle.app.get(InboxRepository);
      const conversations = one.handle.app.get(ConversationRepository);
      const tryOf = (user: string) => {
        const { gate } = inbox.storeClaimedGate(
          {
            integrationId,
            chatbotId,
            channel: 'whatsapp',
            providerMessageId: `wamid.${ulid()}`,
            kind: 'message',
            sessionKey: user,
            payload: {},
          },
          'probe-owner',
          60_000,
        );
        return { gate, user };
      };
      const first = tryOf('user-1');
      const got = await conversations.tryLeaseByKeyAfter(
        first.gate,
        first.user,
        chatbotId,
        'whatsapp',
        'probe-lease',
        60_000,
        60_000,
      );
      expect(got.go).toBe(true);
      const [prepared] = await one.db.query(
        `SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH gate AS MATERIALIZED (%inbox_store(%'`,
      );
      expect(prepared).toBeDefined();
      // Three more tries in one statement, as the repository writes them.
      const tries = ['user-2', 'user-3', 'user-4'].map(tryOf).map(({ gate, user }) => ({
        key: user,
        chatbot_id: chatbotId,
        channel: 'whatsapp',
        owner: 'probe-lease',
        lease_ms: 60_000,
        ticket_ms: 60_000,
        gate: gate.values,
      }));
      const [{ 'QUERY PLAN': plan }] = await one.db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "${prepared.name}"('${JSON.stringify(tries).replace(/'/g, "''")}')`,
      );
      // Each session found by its key's index, and leased (and the three tries' rows matched
      // with each other, counted too); a sequential scan read all 400.
      expect(rowsLooked(plan, 'conversations')).toBeGreaterThanOrEqual(6);
      expect(rowsLooked(plan, 'conversations')).toBeLessThanOrEqual(40);
      const leased = await one.db.query(
        `SELECT count(*)::int AS n FROM conversations WHERE chatbot_id = $1 AND lease_owner = 'probe-lease'`,
        [chatbotId],
      );
      expect(leased).toEqual([{ n: 4 }]);
    });

    it('should find the sends and messages of attempts ended together by their ids, before the messages table was ever analyzed', async () => {
      const { auth } = await one.newWorkspace();
      const { chatbotId } = await publishedBot(one, auth, FLOW);
      const conversationId = ulid();
      await one.db.query(
        `INSERT INTO conversations (id, chatbot_id, channel, user_id, status, session)
         VALUES ($1, $2, 'whatsapp', 'user', 'ACTIVE', '{}')`,
        [conversationId, chatbotId],
      );
      // 400 sends, each with its message, six of them in flight here.
      const ids = Array.from({ length: 400 }, () => ulid());
      await one.db.query(
        `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, payload, locked_by, locked_until, attempts)
         SELECT id, 'probe.unhandled', 'probe-key-' || n, $2, '{}',
                CASE WHEN n <= 6 THEN 'probe-owner' END, CASE WHEN n <= 6 THEN now() + interval '1 minute' END, 1
           FROM unnest($1::text[]) WITH ORDINALITY AS i(id, n)`,
        [ids, chatbotId],
      );
      await one.db.query(
        `INSERT INTO messages (id, conversation_id, seq, direction, message, delivery_status)
         SELECT id, $2, n, 'outbound', '{}', 'queued' FROM unnest($1::text[]) WITH ORDINALITY AS i(id, n)`,
        [ids, conversationId],
      );
      const endsOf = (rows: string[]) =>
        rows.map((id) => ({
          id,
          outcome: { status: 'done' as const },
          record: ConversationRepository.markSent([id], `wamid.${id}`, null),
        }));
      // Three end through the repository (which prepares its statement), three are explained.
      await one.handle.app
        .get(OutboxRepository)
        .finishMany('probe-owner', endsOf(ids.slice(3, 6)), []);
      const sent = await one.db.query(
        `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND delivery_status = 'sent'`,
        [conversationId],
      );
      expect(sent).toEqual([{ n: 3 }]);
      const [prepared] = await one.db.query(
        `SELECT name FROM pg_prepared_statements WHERE statement LIKE 'WITH f AS (%'`,
      );
      expect(prepared).toBeDefined();
      const { params } = finishStatement('probe-owner', endsOf(ids.slice(0, 3)), []);
      const literals = params.map((p) => `'${String(p).replace(/'/g, "''")}'`).join(', ');
      const [{ 'QUERY PLAN': plan }] = await one.db.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE "${prepared.name}"(${literals})`,
      );
      // Each end's row and each message by its primary key (and each message's end checked
      // against the three ended: the join filter's rows); a seq scan read all 400 per end.
      for (const table of ['outbox', 'messages']) {
        expect(rowsLooked(plan, table)).toBeGreaterThanOrEqual(3);
        expect(rowsLooked(plan, table)).toBeLessThanOrEqual(12);
      }
    });
  });

  describe('FlowCache', () => {
    const BOUND = 3;
    let versionIds: string[];

    beforeAll(async () => {
      const { auth } = await t.newWorkspace();
      const { flowId } = await publishedBot(t, auth, FLOW);
      // Ten times the bound of published versions, each with its own name.
      versionIds = Array.from({ length: BOUND * 10 }, () => ulid());
      for (const [i, id] of versionIds.entries())
        await t.db.query(
          `INSERT INTO flow_versions (id, flow_id, chatbot_id, version, name, type, definition)
           SELECT $1, flow_id, chatbot_id, 100 + $2::int, 'v' || $2::int, type, definition
             FROM flow_versions WHERE flow_id = $3 LIMIT 1`,
          [id, i, flowId],
        );
    });

    it('should keep at most its bound, and load a version pushed out again when asked', async () => {
      const cache = new FlowCache(t.handle.app.get(FlowsRepository), BOUND);
      for (const [i, id] of versionIds.entries()) {
        const flow = await cache.get(id);
        expect(flow?.name).toBe(`v${i}`);
        expect(cache.size).toBeLessThanOrEqual(BOUND);
      }
      expect(cache.size).toBe(BOUND);
      const first = await cache.get(versionIds[0]);
      expect(first?.name).toBe('v0');
      expect(first?.compiled.states.has('hi')).toBe(true);
      expect(cache.size).toBe(BOUND);
    });

    it('should share one load between concurrent first asks, and keep the most recently used', async () => {
      const cache = new FlowCache(t.handle.app.get(FlowsRepository), BOUND);
      const [a, b] = await Promise.all([cache.get(versionIds[5]), cache.get(versionIds[5])]);
      expect(a).toBe(b);
      await cache.get(versionIds[6]);
      await cache.get(versionIds[7]);
      expect(await cache.get(versionIds[5])).toBe(a); // used again: now the most recent
      await cache.get(versionIds[8]); // pushes out 6, the least recently used
      expect(await cache.get(versionIds[5])).toBe(a);
    });

    it('should answer null for a version that does not exist, without keeping it', async () => {
      const cache = new FlowCache(t.handle.app.get(FlowsRepository), BOUND);
      expect(await cache.get(ulid())).toBeNull();
      expect(cache.size).toBe(0);
    });
  });

  describe('ApiKeyCache', () => {
    const BOUND = 5;

    it('should keep at most its bound of answers, good and bad, and still verify keys pushed out', async () => {
      const cache = new ApiKeyCache(t.db, t.config, BOUND);
      const real = await Promise.all([t.newWorkspace(), t.newWorkspace()]);
      const madeUp = Array.from({ length: BOUND * 10 }, () => generateApiKey());
      for (const w of real) expect((await cache.verify(w.apiKey))?.workspaceId).toBe(w.workspaceId);
      for (const key of madeUp) {
        expect(await cache.verify(key)).toBeNull();
        expect(cache.size).toBeLessThanOrEqual(BOUND);
      }
      expect(cache.size).toBe(BOUND);
      // Both real keys were pushed out by the flood; asked again, they verify as before.
      for (const w of real) expect((await cache.verify(w.apiKey))?.workspaceId).toBe(w.workspaceId);
      expect(cache.size).toBe(BOUND);
    });

    it('should send one lookup for many requests that find the same key unknown at once', async () => {
      const cache = new ApiKeyCache(t.db, t.config, BOUND);
      const w = await t.newWorkspace();
      const query = jest.spyOn(t.db, 'query');
      try {
        const answers = await Promise.all(Array.from({ length: 50 }, () => cache.verify(w.apiKey)));
        expect(answers.every((a) => a?.workspaceId === w.workspaceId)).toBe(true);
        const lookups = query.mock.calls.filter(([sql]) => String(sql).includes('FROM api_keys'));
        expect(lookups).toHaveLength(1);
      } finally {
        query.mockRestore();
      }
    });
  });
});

/**
 * Rows an EXPLAIN (ANALYZE, FORMAT JSON) plan's scans of `relation` produced or filtered out,
 * over all their loops, and the rows its joins' filters removed.
 */
/** `n` more open sessions of chatbot `chatbotId`, written straight to the table. */
function addSessions(app: TestApp, chatbotId: string, n: number) {
  return app.db.query(
    `INSERT INTO conversations (id, chatbot_id, channel, user_id, status, session)
     SELECT left(md5(random()::text), 26), $1, 'api', 'user-' || n, 'ACTIVE', '{}'
       FROM generate_series(1, ${n}) n`,
    [chatbotId],
  );
}

/**
 * The pages (shared buffers, hit or read) the prepared claim statement (OutboxRepository.claim,
 * through `outbox_claim`) touches when run again now, the function's own query included.
 */
async function claimPages(app: TestApp): Promise<number> {
  const [prepared] = await app.db.query(
    `SELECT name FROM pg_prepared_statements WHERE statement LIKE 'SELECT o.id, o.kind%outbox_claim(%'`,
  );
  expect(prepared).toBeDefined();
  const [{ 'QUERY PLAN': plan }] = await app.db.query(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE "${prepared.name}"('probe-owner', 60000, 5, '{}')`,
  );
  const top = (plan as Array<{ Plan: Record<string, number> }>)[0].Plan;
  return top['Shared Hit Blocks'] + top['Shared Read Blocks'];
}

function rowsLooked(plan: unknown, relation: string): number {
  let looked = 0;
  const walk = (node: PlanNode): void => {
    if (node['Relation Name'] === relation)
      looked +=
        (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    looked += (node['Rows Removed by Join Filter'] ?? 0) * node['Actual Loops'];
    for (const child of node.Plans ?? []) walk(child);
  };
  walk((plan as Array<{ Plan: PlanNode }>)[0].Plan);
  return looked;
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Join Filter'?: number;
  Plans?: PlanNode[];
}
