/**
 * The "required-work floor" of `npm run bench:whatsapp`: what the work the WhatsApp issue and
 * ../shared/spec/channels.md require of every message costs at least on this stack, without
 * the gateway (no framework, no flow engine, no shared turn code). A bare node:http server
 * with a pg.Pool (whatsapp-bare.ts), per message, in the gateway's three statements:
 *   1. checks the signature and parses the body (as the baseline does);
 *   2. stores the message in an inbox (unique on the wamid) and takes its user's session
 *      lease, in one statement, before answering 200 (turns of one user in arrival order,
 *      across instances);
 *   3. marks the message read with the typing indicator (a Graph API call, not waited for);
 *   4. runs the turn on the stateless menu "engine" (the baseline's) and commits it in one
 *      statement: the session's new state and its lease released, the inbound and the
 *      outbound message stored, the turn's trace stored (the spec's `GET …/trace`), the reply
 *      queued in an outbox, the inbox row marked done;
 *   5. sends the reply, then records the send in one statement: the outbox row done and the
 *      outbound message `sent` with the wamid Meta returned (indexed: statuses find their
 *      message by it).
 * It leaves out everything else the gateway does: the flow engine and templates, rendering to
 * WhatsApp's limits, retries and their backoff, per-chatbot caps, opt-outs, hand-offs,
 * trace levels, events, metrics, logs, waiting places in line for a busy session (a message
 * that finds its session leased is tried again after a few milliseconds). Its events/s over
 * the baseline's bound what a gateway writing each message in statements of its own can reach.
 *
 * With WHATSAPP_FLOOR_BATCHED=1 the same rows are written set-based, each statement shared by
 * the messages of several users (`gathered` below): what grouping writes across users can
 * reach.
 */
import { StatementBatch } from '../../src/database/statement-batch';
import {
  type Inbound,
  graphPost,
  query,
  replyFor,
  replyPayload,
  serveWebhooks,
} from './whatsapp-bare';

const SETUP = [
  `CREATE TABLE IF NOT EXISTS floor_sessions (
     user_key text PRIMARY KEY,
     state text NOT NULL,
     lease_until timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS floor_inbox (
     id bigserial PRIMARY KEY,
     wamid text NOT NULL UNIQUE,
     user_key text NOT NULL,
     message jsonb NOT NULL,
     status text NOT NULL DEFAULT 'pending',
     received_at timestamptz NOT NULL DEFAULT now(),
     done_at timestamptz)`,
  `CREATE TABLE IF NOT EXISTS floor_messages (
     id bigserial PRIMARY KEY,
     user_key text NOT NULL,
     direction text NOT NULL,
     message jsonb NOT NULL,
     wamid text,
     status text,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS floor_messages_wamid_idx ON floor_messages (wamid) WHERE wamid IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS floor_traces (
     id bigserial PRIMARY KEY,
     user_key text NOT NULL,
     events jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS floor_traces_user_idx ON floor_traces (user_key, id)`,
  `CREATE TABLE IF NOT EXISTS floor_outbox (
     id bigserial PRIMARY KEY,
     user_key text NOT NULL,
     message_id bigint NOT NULL,
     payload jsonb NOT NULL,
     status text NOT NULL DEFAULT 'pending',
     created_at timestamptz NOT NULL DEFAULT now(),
     done_at timestamptz)`,
];

/** The inbox row, and the session's state when its lease was taken (no row: a duplicate). */
const STORE_SQL = `
WITH ib AS (
  INSERT INTO floor_inbox (wamid, user_key, message) VALUES ($1, $2, $3)
  ON CONFLICT (wamid) DO NOTHING
  RETURNING id
), s AS (
  INSERT INTO floor_sessions AS s (user_key, state, lease_until)
  SELECT $2, 'start', now() + interval '30 seconds' FROM ib
  ON CONFLICT (user_key) DO UPDATE SET lease_until = excluded.lease_until
   WHERE s.lease_until IS NULL OR s.lease_until < now()
  RETURNING state
)
SELECT ib.id, (SELECT state FROM s) AS state FROM ib`;
/** A message whose session was leased tries again (also the floor's only retry). */
const LEASE_SQL = `
UPDATE floor_sessions SET lease_until = now() + interval '30 seconds'
 WHERE user_key = $1 AND (lease_until IS NULL OR lease_until < now())
RETURNING state`;
const COMMIT_SQL = `
WITH s AS (
  UPDATE floor_sessions SET state = $2, lease_until = NULL, updated_at = now()
   WHERE user_key = $1
  RETURNING user_key
), mi AS (
  INSERT INTO floor_messages (user_key, direction, message) SELECT user_key, 'in', $3 FROM s
), mo AS (
  INSERT INTO floor_messages (user_key, direction, message, status)
  SELECT user_key, 'out', $4, 'queued' FROM s
  RETURNING id, user_key
), ob AS (
  INSERT INTO floor_outbox (user_key, message_id, payload) SELECT user_key, id, $4 FROM mo
  RETURNING id, message_id
), tr AS (
  INSERT INTO floor_traces (user_key, events) SELECT user_key, $6 FROM s
), ib AS (
  UPDATE floor_inbox SET status = 'done', done_at = now() WHERE id = $5 AND EXISTS (SELECT 1 FROM s)
)
SELECT id, message_id FROM ob`;
const SENT_SQL = `
WITH o AS (
  UPDATE floor_outbox SET status = $2, done_at = now() WHERE id = $1 RETURNING message_id
)
UPDATE floor_messages SET status = $2, wamid = $3 WHERE id = (SELECT message_id FROM o)`;

/** Several users' messages at once (WHATSAPP_FLOOR_BATCHED): STORE_SQL over arrays. */
const STORE_MANY_SQL = `
WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS v(wamid, user_key, message)),
ib AS (
  INSERT INTO floor_inbox (wamid, user_key, message) SELECT wamid, user_key, message FROM v
  ON CONFLICT (wamid) DO NOTHING
  RETURNING id, wamid, user_key
), s AS (
  INSERT INTO floor_sessions AS s (user_key, state, lease_until)
  SELECT user_key, 'start', now() + interval '30 seconds' FROM ib
  ON CONFLICT (user_key) DO UPDATE SET lease_until = excluded.lease_until
   WHERE s.lease_until IS NULL OR s.lease_until < now()
  RETURNING user_key, state
)
SELECT ib.id, ib.wamid, s.state FROM ib LEFT JOIN s USING (user_key)`;
/** COMMIT_SQL over arrays, one element per turn; each row names its user. */
const COMMIT_MANY_SQL = `
WITH s AS (
  UPDATE floor_sessions SET state = ($2::text[])[array_position($1::text[], user_key)],
         lease_until = NULL, updated_at = now()
   WHERE user_key = ANY($1::text[])
  RETURNING user_key
), v AS (
  SELECT v.* FROM unnest($1::text[], $3::jsonb[], $4::jsonb[], $6::jsonb[]) AS v(user_key, inbound, outbound, events)
    JOIN s USING (user_key)
), mi AS (
  INSERT INTO floor_messages (user_key, direction, message) SELECT user_key, 'in', inbound FROM v
), mo AS (
  INSERT INTO floor_messages (user_key, direction, message, status)
  SELECT user_key, 'out', outbound, 'queued' FROM v
  RETURNING id, user_key, message
), ob AS (
  INSERT INTO floor_outbox (user_key, message_id, payload) SELECT user_key, id, message FROM mo
  RETURNING id, message_id, user_key
), tr AS (
  INSERT INTO floor_traces (user_key, events) SELECT user_key, events FROM v
), ib AS (
  UPDATE floor_inbox SET status = 'done', done_at = now()
   WHERE id = ANY($5::bigint[]) AND EXISTS (SELECT 1 FROM s)
)
SELECT id, message_id, user_key FROM ob`;
/** SENT_SQL over arrays. */
const SENT_MANY_SQL = `
WITH o AS (
  UPDATE floor_outbox SET status = ($2::text[])[array_position($1::bigint[], id)], done_at = now()
   WHERE id = ANY($1::bigint[])
  RETURNING id, message_id, status
)
UPDATE floor_messages m SET status = o.status, wamid = ($3::text[])[array_position($1::bigint[], o.id)]
  FROM o WHERE m.id = o.message_id`;

interface Stored extends Inbound {
  rowId: string;
  /** The session's state, null while another turn of its user holds the lease. */
  state: string | null;
}

interface Turn {
  user: string;
  state: string;
  inbound: string;
  outbound: string;
  inboxId: string;
  events: string;
}

interface Sent {
  outboxId: string;
  status: 'sent' | 'failed';
  wamid: string | null;
}

const one = {
  async store(m: Inbound): Promise<Stored | null> {
    const r = await query<{ id: string; state: string | null }>(STORE_SQL, [
      m.wamid,
      m.user,
      JSON.stringify(m.message),
    ]);
    return r.rows[0] ? { ...m, rowId: r.rows[0].id, state: r.rows[0].state } : null;
  },
  async commit(t: Turn): Promise<{ id: string } | undefined> {
    const r = await query<{ id: string }>(COMMIT_SQL, [
      t.user,
      t.state,
      t.inbound,
      t.outbound,
      t.inboxId,
      t.events,
    ]);
    return r.rows[0];
  },
  async sent(e: Sent): Promise<void> {
    await query(SENT_SQL, [e.outboxId, e.status, e.wamid]);
  },
};

/**
 * Calls of one statement gathered while earlier ones run (the gateway's StatementBatch: at
 * most two statements at once, at most 64 calls to a statement, never two with one key).
 */
const gathered = <C, R>(many: (calls: C[]) => Promise<R[]>, key: (call: C) => string) =>
  new StatementBatch<C, R>({
    many,
    single: async (call) => (await many([call]))[0],
    keys: (call) => [key(call)],
    max: 64,
    inFlight: 2,
  });

const stores = gathered<Inbound, Stored | null>(
  async (ms) => {
    const r = await query<{ id: string; wamid: string; state: string | null }>(STORE_MANY_SQL, [
      ms.map((m) => m.wamid),
      ms.map((m) => m.user),
      ms.map((m) => JSON.stringify(m.message)),
    ]);
    const byWamid = new Map(r.rows.map((row) => [row.wamid, row]));
    return ms.map((m) => {
      const row = byWamid.get(m.wamid);
      return row ? { ...m, rowId: row.id, state: row.state } : null;
    });
  },
  (m) => m.user,
);
const commits = gathered<Turn, { id: string } | undefined>(
  async (ts) => {
    const r = await query<{ id: string; user_key: string }>(COMMIT_MANY_SQL, [
      ts.map((t) => t.user),
      ts.map((t) => t.state),
      ts.map((t) => t.inbound),
      ts.map((t) => t.outbound),
      ts.map((t) => t.inboxId),
      ts.map((t) => t.events),
    ]);
    const byUser = new Map(r.rows.map((row) => [row.user_key, row]));
    return ts.map((t) => byUser.get(t.user));
  },
  (t) => t.user,
);
const sends = gathered<Sent, void>(
  async (es) => {
    await query(SENT_MANY_SQL, [
      es.map((e) => e.outboxId),
      es.map((e) => e.status),
      es.map((e) => e.wamid),
    ]);
    return es.map(() => undefined);
  },
  (e) => e.outboxId,
);
const many = {
  store: (m: Inbound) => stores.run(m),
  commit: (t: Turn) => commits.run(t),
  sent: (e: Sent) => sends.run(e),
};

const write = process.env.WHATSAPP_FLOOR_BATCHED === '1' ? many : one;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

serveWebhooks<Stored>({
  name: 'whatsapp floor',
  setup: SETUP,
  async store(_integrationId, messages) {
    const stored: Stored[] = [];
    for (const m of messages) {
      const s = await write.store(m);
      if (s) stored.push(s);
    }
    return stored;
  },
  async deliver(s) {
    const read = graphPost(s.phoneNumberId, {
      status: 'read',
      message_id: s.wamid,
      typing_indicator: { type: 'text' },
    });
    let state = s.state;
    while (state === null) {
      await pause(5);
      state = (await query<{ state: string }>(LEASE_SQL, [s.user])).rows[0]?.state ?? null;
    }
    const reply = replyFor(s.input, s.user);
    const body = replyPayload(s.user, reply.message);
    const queued = await write.commit({
      user: s.user,
      state: reply.screen,
      inbound: JSON.stringify(s.message),
      outbound: JSON.stringify(body),
      inboxId: s.rowId,
      events: JSON.stringify([
        { type: 'input', input: s.input },
        { type: 'state_entered', state: reply.screen },
        { type: 'reply', kind: 'buttons' },
      ]),
    });
    if (!queued) throw new Error(`the lease of ${s.user} was lost`);
    const sent = await graphPost(s.phoneNumberId, body);
    const wamid =
      sent.status >= 200 && sent.status < 300
        ? ((JSON.parse(sent.body) as { messages?: Array<{ id?: string }> }).messages?.[0]?.id ??
          null)
        : null;
    await write.sent({ outboxId: queued.id, status: wamid ? 'sent' : 'failed', wamid });
    await read;
  },
});
