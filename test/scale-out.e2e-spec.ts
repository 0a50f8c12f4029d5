import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { decodeTime } from 'ulid';
import { CLAIM_MS } from '../src/inbox/inbox-processor';
import { startGraphApiStub, type StubRequest } from './support/graph-api-stub';
import {
  childEnv,
  MIGRATE_CLI,
  runNode,
  startServerProcess,
  type ServerProcess,
} from './support/server-process';
import { freshPostgresDatabase, TEST_ENCRYPTION_KEY } from './support/test-app';
import { waitFor } from './support/wait';
import { signedPost, waEnvelope, waText } from './support/whatsapp-webhooks';

/**
 * Three instances of the built server on one PostgreSQL database, WhatsApp webhooks spread
 * over all three, and one instance killed with SIGKILL while it holds session leases, claimed
 * inbox events and claimed outbox sends. Meta redelivers what the dead one did not answer to
 * the other two. Every message must still be answered exactly once, in order per user, and
 * the dead instance's leases and claims must run out and be taken over by the survivors.
 *
 * Claims last CLAIM_MS (2 minutes, not configurable), so this test takes about three minutes.
 */

const APP_SECRET = 'meta-app-secret-for-scale-out';
const ACCESS_TOKEN = 'EAAscale-out-test-token-0123456789';
const PHONE_NUMBER_ID = '106540352242933';
const API_KEY = 'sk_scale_out_test_key_0123456789';

const LOAD_USERS = 24;
const LOAD_MESSAGES = 10;
/** Messages a user may have posted and not yet seen answered (so events queue per user). */
const OUTSTANDING = 3;
/** Markers: users whose message to the victim keeps a turn (held backend) or a send in flight. */
const HELD_TURN_USERS = 2;
const HELD_SEND_USERS = 2;
const LONG_WAIT_MS = CLAIM_MS + 120_000;

/** Every message goes through an API_CALL, then gets one reply naming what the user said. */
const lookupFlow = (backendUrl: string) => ({
  start: 'lookup',
  states: {
    lookup: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/lookup`,
          method: 'POST',
          body: { said: '{{said}}' },
          timeout_ms: 60_000,
          save_to: 'found',
          success_transition: 'answer',
          failure_transition: 'answer',
        },
      ],
    },
    answer: {
      message: 'Looked up "{{said}}".',
      input: { save_to: 'said' },
      transitions: { default: 'lookup' },
    },
  },
});
const replyTo = (said: string) => `Looked up "${said}".`;
/** The reply to a session's first message (the start: nothing said yet). */
const FIRST_REPLY = replyTo('');

const phone = (n: number) => `+2557445${String(n).padStart(5, '0')}`;
const digits = (user: string) => user.replace('+', '');
const textOf = (r: StubRequest) => (r.body as { text?: { body: string } }).text?.body ?? '';
const toOf = (r: StubRequest) => (r.body as { to?: string }).to ?? '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A business backend answering each call after `delayMs`, except calls whose `said` `hold`
 * accepts: those are never answered (a turn stays in flight until its instance dies).
 */
async function startLookupBackend(delayMs: number) {
  const calls: Array<{ said: string; aborted: boolean }> = [];
  const held = new Set<ServerResponse>();
  const state = { hold: (said: string): boolean => said.startsWith('hold') };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const call = {
        said: (JSON.parse(body || '{}') as { said?: string }).said ?? '',
        aborted: false,
      };
      calls.push(call);
      res.once('close', () => {
        if (!res.writableFinished) call.aborted = true;
        held.delete(res);
      });
      if (state.hold(call.said)) {
        held.add(res);
        return;
      }
      setTimeout(() => {
        if (!res.destroyed)
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One server process and the time span in which it started. Each instance names its claims
 * and leases after ULIDs it made while starting (`inbox:<ulid>`, `outbox:<ulid>`,
 * `<ulid>:<ulid>`); the instances start one after another, so the time in such a name says
 * which instance holds a row.
 */
interface Instance {
  name: string;
  server: ServerProcess;
  startedFrom: number;
  startedBy: number;
  alive: boolean;
}

const ULID = /[0-9A-HJKMNP-TV-Z]{26}/;

function holderOf(instances: Instance[], owner: string): Instance | undefined {
  const id = ULID.exec(owner)?.[0];
  if (!id) return undefined;
  const at = decodeTime(id);
  return instances.find((i) => at >= i.startedFrom && at <= i.startedBy);
}

interface Message {
  user: string;
  wamid: string;
  text: string;
  body: ReturnType<typeof signedPost>;
}

// Several instances need one shared PostgreSQL server: the embedded PGlite serves a single
// process. CI runs the suite a second time on PostgreSQL, where this test runs.
const onPostgres = process.env.DATABASE_URL ? it : it.skip;

describe('Scale-out: three instances on one PostgreSQL (skipped without DATABASE_URL)', () => {
  onPostgres(
    'should answer every WhatsApp message once, and store each history in order, when one of three instances is killed mid-load, its leases and claims taken over',
    async () => {
      const pg = (await freshPostgresDatabase())!;
      const graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
      const backend = await startLookupBackend(40);
      const db = new Client({ connectionString: pg.url });
      const dataDirs: string[] = [];
      const instances: Instance[] = [];
      try {
        // Sends take a while, so every instance has some in flight at any moment.
        graph.delayMs = 40;
        for (const name of ['a', 'b', 'c']) {
          const dataDir = mkdtempSync(join(tmpdir(), `gw-scale-${name}-`));
          dataDirs.push(dataDir);
          const startedFrom = Date.now();
          const server = await startServerProcess({
            DATA_DIR: dataDir,
            DATABASE_URL: pg.url,
            DATABASE_POOL_SIZE: '5',
            ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
            BOOTSTRAP_API_KEY: API_KEY,
            OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
            OUTBOX_POLL_MS: '250',
          });
          instances.push({ name, server, startedFrom, startedBy: Date.now(), alive: true });
        }
        await db.connect();
        const query = async <T = Record<string, unknown>>(sql: string, params?: unknown[]) =>
          (await db.query(sql, params)).rows as T[];
        const [a, victim] = instances;

        const headers = { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' };
        const api = async (path: string, body: object) => {
          const res = await fetch(`${a.server.baseUrl}/api/dev/v1${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          });
          const json = (await res.json()) as { id: string };
          if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
          return json;
        };
        const bot = await api('/chatbots', { name: 'scale-out' });
        const flow = await api(`/chatbots/${bot.id}/flows`, {
          name: 'lookup',
          type: 'conversation',
          flow: lookupFlow(backend.url),
        });
        await api(`/chatbots/${bot.id}/flows/${flow.id}/publish`, {});
        const integration = await api(`/chatbots/${bot.id}/integrations`, {
          type: 'whatsapp',
          name: 'wa-scale-out',
          phone_number_id: PHONE_NUMBER_ID,
          waba_id: '102290129340398',
          access_token: ACCESS_TOKEN,
          app_secret: APP_SECRET,
          verify_token: 'verify-scale-out',
          graph_api_base: graph.url,
          graph_api_version: 'v21.0',
        });
        const webhookPath = `/webhooks/whatsapp/${integration.id}`;

        let wamids = 0;
        const message = (user: string, text: string): Message => {
          const wamid = `wamid.scale.${++wamids}.${Math.random().toString(36).slice(2)}`;
          const change = waText(PHONE_NUMBER_ID, user, wamid, text);
          return { user, wamid, text, body: signedPost(APP_SECRET, waEnvelope(change)) };
        };
        const posted: Message[] = [];
        /**
         * Posts as Meta does: to the preferred instance, and again to the next live one until
         * some instance answers 200 (an instance killed mid-request never answered).
         */
        const deliver = async (m: Message, prefer: number) => {
          if (!posted.includes(m)) posted.push(m);
          for (let attempt = 0; attempt < 300; attempt++) {
            const target = instances[(prefer + attempt) % instances.length];
            if (!target.alive) continue;
            try {
              const res = await fetch(`${target.server.baseUrl}${webhookPath}`, {
                method: 'POST',
                headers: m.body.headers,
                body: m.body.raw.toString(),
              });
              await res.arrayBuffer();
              if (res.status === 200) return;
            } catch {
              // Killed, or killed while answering: Meta delivers it again elsewhere.
            }
            await sleep(50);
          }
          throw new Error(`no instance accepted ${m.wamid}`);
        };

        // The answers the stub gave, per recipient (recounted at most every 30 ms).
        let counted = { at: 0, byUser: new Map<string, number>(), total: 0 };
        const answered = () => {
          if (Date.now() - counted.at < 30) return counted;
          const byUser = new Map<string, number>();
          let total = 0;
          for (const r of graph.sends())
            if (r.status === 200) {
              byUser.set(toOf(r), (byUser.get(toOf(r)) ?? 0) + 1);
              total++;
            }
          counted = { at: Date.now(), byUser, total };
          return counted;
        };
        const answersTo = (user: string) => answered().byUser.get(digits(user)) ?? 0;

        // Every user opens a session (one message each, spread over the three instances).
        const loadUsers = Array.from({ length: LOAD_USERS }, (_, n) => phone(n));
        const heldTurnUsers = Array.from({ length: HELD_TURN_USERS }, (_, n) => phone(100 + n));
        const heldSendUsers = Array.from({ length: HELD_SEND_USERS }, (_, n) => phone(200 + n));
        const everyone = [...loadUsers, ...heldTurnUsers, ...heldSendUsers];
        const expected = new Map<string, string[]>(everyone.map((u) => [u, [FIRST_REPLY]]));
        await Promise.all(everyone.map((u, n) => deliver(message(u, 'Hi'), n % 3)));
        await waitFor(() => everyone.every((u) => answersTo(u) === 1), 60_000);

        // The load: each user sends LOAD_MESSAGES, up to OUTSTANDING of them unanswered at a
        // time, to a different instance each time; every fifth is delivered twice (Meta's
        // redelivery) to the next instance after the first 200.
        const drivers = loadUsers.map(async (user, n) => {
          for (let i = 1; i <= LOAD_MESSAGES; i++) {
            const m = message(user, `u${n}m${i}`);
            expected.get(user)!.push(replyTo(m.text));
            await waitFor(() => answersTo(user) > i - OUTSTANDING, LONG_WAIT_MS);
            await deliver(m, (n + i) % 3);
            if (i % 5 === 0) await deliver(m, (n + i + 1) % 3);
          }
        });
        const loadTotal = LOAD_USERS * (1 + LOAD_MESSAGES);
        await waitFor(() => answered().total >= everyone.length + loadTotal / 3, LONG_WAIT_MS);

        // Mid-load, make sure the victim holds what it must lose. Turns held at the backend:
        // the victim claimed their events when it stored them and holds their sessions' leases.
        const heldTurns = heldTurnUsers.map((u, n) => message(u, `hold-${n}`));
        for (const m of heldTurns) {
          expected.get(m.user)!.push(replyTo(m.text));
          await deliver(m, 1);
        }
        await waitFor(() => heldTurns.every((m) => backend.calls.some((c) => c.said === m.text)));
        // From now on no send is answered (each waits until its sender gives up or dies), so
        // none of the victim's sends can be answered and then die unrecorded. Then turns on the
        // victim whose sends it claims in their commit (or it already has sends in flight).
        graph.stall();
        const heldSends = heldSendUsers.map((u, n) => message(u, `send-${n}`));
        for (const m of heldSends) {
          expected.get(m.user)!.push(replyTo(m.text));
          await deliver(m, 1);
        }
        await waitFor(
          async () =>
            (
              await query<{ n: number }>(
                `SELECT count(*)::int AS n FROM inbox_events
                  WHERE provider_message_id = ANY($1) AND status = 'done'`,
                [heldSends.map((m) => m.wamid)],
              )
            )[0].n === heldSends.length,
          60_000,
        );
        const held = async () => {
          const [row] = await query<{ inbox: string[]; outbox: string[]; leases: string[] }>(
            `SELECT
               ARRAY(SELECT id || ' ' || locked_by FROM inbox_events
                      WHERE status = 'pending' AND locked_by IS NOT NULL) AS inbox,
               ARRAY(SELECT id || ' ' || locked_by FROM outbox
                      WHERE status = 'pending' AND locked_by IS NOT NULL) AS outbox,
               ARRAY(SELECT id || ' ' || lease_owner FROM conversations
                      WHERE lease_owner IS NOT NULL) AS leases`,
          );
          const victims = (rows: string[]) =>
            rows
              .map((r) => r.split(' '))
              .filter(([, owner]) => holderOf(instances, owner) === victim)
              .map(([id]) => id.trim());
          return {
            inbox: victims(row.inbox),
            outbox: victims(row.outbox),
            leases: victims(row.leases),
            owners: [...row.inbox, ...row.outbox, ...row.leases].map((r) => r.split(' ')[1]),
          };
        };
        await waitFor(async () => {
          const h = await held();
          return h.inbox.length > 0 && h.outbox.length > 0 && h.leases.length > 0;
        }, 60_000);

        // SIGKILL: no shutdown, no claims given back.
        victim.alive = false;
        const exited = new Promise((resolve) => victim.server.child.once('exit', resolve));
        victim.server.child.kill('SIGKILL');
        await exited;
        const [{ killedAt }] = await query<{ killedAt: Date }>(`SELECT now() AS "killedAt"`);
        // Statements the victim had sent may still finish in PostgreSQL: wait for those.
        await waitFor(
          async () =>
            (
              await query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid()
                    AND ((state = 'active' AND query_start < $1)
                         OR (state LIKE 'idle in transaction%' AND xact_start < $1))`,
                [killedAt],
              )
            )[0].n === 0,
          60_000,
        );
        const dead = await held();
        graph.stall(null);
        backend.state.hold = () => false;
        // Every instance's owner names are known, so each row is told apart.
        expect(dead.owners.every((o) => holderOf(instances, o) !== undefined)).toBe(true);
        // What the victim held when it died: sessions, events and sends.
        expect(dead.leases.length).toBeGreaterThan(0);
        expect(dead.inbox.length).toBeGreaterThanOrEqual(heldTurns.length);
        expect(dead.outbox.length).toBeGreaterThan(0);

        // The survivors go on: the load continues, and the marker users write once more (their
        // messages queue behind the events the victim still holds).
        const after = [...heldTurnUsers, ...heldSendUsers].map((u, n) => message(u, `after-${n}`));
        for (const [n, m] of after.entries()) {
          expected.get(m.user)!.push(replyTo(m.text));
          await deliver(m, n % 2 === 0 ? 0 : 2);
        }
        await Promise.all(drivers);
        const total = [...expected.values()].reduce((sum, replies) => sum + replies.length, 0);
        await waitFor(() => answered().total >= total, LONG_WAIT_MS);
        // Nothing left that could be sent again: every event and every send is finished.
        await waitFor(
          async () =>
            (
              await query<{ n: number }>(
                `SELECT ((SELECT count(*) FROM inbox_events WHERE status = 'pending')
                      + (SELECT count(*) FROM outbox WHERE status = 'pending'))::int AS n`,
              )
            )[0].n === 0,
          LONG_WAIT_MS,
        );

        // What a user's replies out of order came from (reported below).
        const orderReport = async (user: string, got: string[]): Promise<string> => {
          const outbox = await query(
            `SELECT id, created_at, status, attempts, locked_by, done_at, next_attempt_at, last_error
               FROM outbox WHERE ordering_key LIKE '%' || $1 ORDER BY created_at, id`,
            [digits(user)],
          );
          const inbox = await query(
            `SELECT id, seq, status, attempts, locked_by, received_at, processed_at, last_error
               FROM inbox_events WHERE session_key LIKE '%' || $1 || '%' ORDER BY seq`,
            [digits(user)],
          );
          const requests = graph
            .sends()
            .filter((r) => toOf(r) === digits(user))
            .map((r) => ({ at: r.at, status: r.status, aborted: r.aborted, text: textOf(r) }));
          return JSON.stringify({ user, got, want: expected.get(user), requests, outbox, inbox });
        };
        // Every message answered exactly once, counted at the Graph API (answered sends) …
        const reordered: string[] = [];
        for (const user of everyone) {
          const got = graph
            .sends()
            .filter((r) => r.status === 200 && toOf(r) === digits(user))
            .map(textOf);
          expect([user, [...got].sort()]).toEqual([user, [...expected.get(user)!].sort()]);
          if (JSON.stringify(got) !== JSON.stringify(expected.get(user)))
            reordered.push(await orderReport(user, got));
        }
        // … and each user's replies in the order sent (a failure prints the user's outbox rows,
        // inbox events and sends: docs/scaling.md › Killing an instance under load).
        expect(reordered).toEqual([]);
        expect(answered().total).toBe(total);
        // … and in the stored history: one inbound and one outbound per message, in order.
        const history = await query<{ user: string; direction: string; text: string }>(
          `SELECT c.user_id AS user, m.direction, m.message->>'text' AS text
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
            ORDER BY c.user_id, c.created_at, m.seq`,
        );
        const sent = new Map<string, string[]>();
        for (const m of posted) sent.set(m.user, [...(sent.get(m.user) ?? []), m.text]);
        for (const user of everyone) {
          const own = history.filter((h) => h.user === user).map((h) => `${h.direction} ${h.text}`);
          const want = sent
            .get(user)!
            .flatMap((text, i) => [`inbound ${text}`, `outbound ${expected.get(user)![i]}`]);
          expect([user, own]).toEqual([user, want]);
        }
        // One event per message however often it was delivered; all processed.
        const events = await query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM inbox_events GROUP BY status`,
        );
        expect(events).toEqual([{ status: 'done', n: posted.length }]);
        const outbox = await query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM outbox GROUP BY status`,
        );
        expect(outbox).toEqual([{ status: 'done', n: total }]);

        // The victim's leases, events and sends were taken over once their time ran out: no
        // row is claimed or leased by anyone now, nobody waits in a session's line …
        const left = await query<{ n: number }>(
          `SELECT ((SELECT count(*) FROM inbox_events WHERE locked_by IS NOT NULL)
                + (SELECT count(*) FROM outbox WHERE locked_by IS NOT NULL)
                + (SELECT count(*) FROM conversations WHERE lease_owner IS NOT NULL)
                + (SELECT count(*) FROM turn_waiters WHERE expires_at > now()))::int AS n`,
        );
        expect(left).toEqual([{ n: 0 }]);
        // … its events were processed again by a survivor after the kill …
        const taken = async (sql: string, ids: string[]) =>
          (await query<{ id: string; ok: boolean }>(sql, [ids, killedAt]))
            .map((r) => `${r.id} ${r.ok}`)
            .sort();
        const allTaken = (ids: string[]) => ids.map((id) => `${id} true`).sort();
        expect(
          await taken(
            `SELECT id, attempts >= 2 AND processed_at > $2 AS ok FROM inbox_events WHERE id = ANY($1)`,
            dead.inbox,
          ),
        ).toEqual(allTaken(dead.inbox));
        // … its sends delivered by a survivor …
        expect(
          await taken(
            `SELECT id, attempts >= 2 AND done_at > $2 AS ok FROM outbox WHERE id = ANY($1)`,
            dead.outbox,
          ),
        ).toEqual(allTaken(dead.outbox));
        // … and the sessions it held went on after the kill.
        expect(
          await taken(
            `SELECT c.id, max(m.created_at) > $2 AS ok
               FROM conversations c JOIN messages m ON m.conversation_id = c.id
              WHERE c.id = ANY($1) GROUP BY c.id`,
            dead.leases,
          ),
        ).toEqual(allTaken(dead.leases));

        // A turn runs its API call again only if the victim died during that turn.
        const deadWamids = new Set(
          (
            await query<{ wamid: string }>(
              `SELECT provider_message_id AS wamid FROM inbox_events WHERE id = ANY($1)`,
              [dead.inbox],
            )
          ).map((r) => r.wamid),
        );
        const callsFor = (said: string) => backend.calls.filter((c) => c.said === said).length;
        for (const m of posted.filter((p) => p.text !== 'Hi'))
          expect([m.text, callsFor(m.text)]).toEqual([
            m.text,
            deadWamids.has(m.wamid) ? expect.any(Number) : 1,
          ]);
        for (const m of heldTurns) expect(callsFor(m.text)).toBe(2);

        // Reported, not asserted: how much the victim held, and when the last reply came.
        process.stdout.write(
          `scale-out: victim held ${dead.leases.length} leases, ${dead.inbox.length} inbox events, ` +
            `${dead.outbox.length} outbox sends (${graph.requests.filter((r) => r.aborted).length} cut off at the Graph API); ` +
            `${total} replies, last ${Math.round((Math.max(...graph.sends().map((r) => r.at)) - killedAt.getTime()) / 1000)} s after the kill\n`,
        );
        // The survivors stop cleanly.
        for (const i of instances.filter((x) => x.alive)) expect(await i.server.stop()).toBe(0);
      } finally {
        for (const i of instances) i.server.child.kill('SIGKILL');
        await db.end().catch(() => undefined);
        await backend.close();
        await graph.close();
        await pg.drop();
        for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      }
    },
    CLAIM_MS + 360_000,
  );
});

describe('Instances starting together on a new PostgreSQL database (skipped without DATABASE_URL)', () => {
  onPostgres(
    'should bring every instance up with the same BOOTSTRAP_API_KEY, migrated once, and one "default" workspace holding the key',
    async () => {
      const pg = (await freshPostgresDatabase())!;
      const dataDirs: string[] = [];
      const started: Array<Promise<ServerProcess>> = [];
      const db = new Client({ connectionString: pg.url });
      try {
        // Started at the same moment: they race for the migration lock, then for the
        // bootstrap workspace and key (before the fix, all but one could fail on
        // workspaces_name_key or api_keys_key_hash_key and exit).
        for (const name of ['a', 'b', 'c', 'd']) {
          const dataDir = mkdtempSync(join(tmpdir(), `gw-together-${name}-`));
          dataDirs.push(dataDir);
          started.push(
            startServerProcess({
              DATA_DIR: dataDir,
              DATABASE_URL: pg.url,
              DATABASE_POOL_SIZE: '3',
              ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
              BOOTSTRAP_API_KEY: API_KEY,
            }),
          );
        }
        const outcomes = await Promise.allSettled(started);
        expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'up'))).toEqual([
          'up',
          'up',
          'up',
          'up',
        ]);
        const servers = outcomes.map((o) => (o as PromiseFulfilledResult<ServerProcess>).value);
        for (const server of servers) {
          const me = await fetch(`${server.baseUrl}/api/dev/v1/me`, {
            headers: { Authorization: `Bearer ${API_KEY}` },
          });
          expect(me.status).toBe(200);
        }
        await db.connect();
        const workspaces = await db.query<{ name: string; keys: string }>(
          `SELECT w.name, count(k.id) AS keys FROM workspaces w LEFT JOIN api_keys k ON k.workspace_id = w.id GROUP BY w.name`,
        );
        expect(workspaces.rows).toEqual([{ name: 'default', keys: '1' }]);
        const created = servers.filter((s) =>
          s.output().includes('Created workspace \\"default\\" with BOOTSTRAP_API_KEY'),
        );
        expect(created).toHaveLength(1);
        const migrations = await db.query<{ name: string }>(`SELECT name FROM schema_migrations`);
        expect(new Set(migrations.rows.map((r) => r.name)).size).toBe(migrations.rows.length);
        for (const server of servers) expect(await server.stop()).toBe(0);
      } finally {
        for (const s of await Promise.allSettled(started))
          if (s.status === 'fulfilled') s.value.child.kill('SIGKILL');
        await db.end().catch(() => undefined);
        await pg.drop();
        for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('Reverting a migration from the command line (skipped without DATABASE_URL)', () => {
  onPostgres(
    'should wait for the migration lock that a starting instance holds before reverting',
    async () => {
      const pg = (await freshPostgresDatabase())!;
      const dataDir = mkdtempSync(join(tmpdir(), 'gw-revert-'));
      const env = { DATA_DIR: dataDir, DATABASE_URL: pg.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
      const holder = new Client({ connectionString: pg.url });
      let revert: ChildProcess | undefined;
      try {
        expect(runNode(MIGRATE_CLI, ['run'], env).status).toBe(0);
        await holder.connect();
        const applied = async () =>
          Number((await holder.query(`SELECT count(*) AS n FROM schema_migrations`)).rows[0].n);
        const before = await applied();
        // Held as a migrating instance holds it (the same lock id as run-migrations.ts).
        await holder.query('SELECT pg_advisory_lock(724001)');
        revert = spawn(process.execPath, [MIGRATE_CLI, 'revert'], { env: childEnv(env) });
        const exited = new Promise<number | null>((resolve) => revert!.on('exit', resolve));
        // Before the fix the revert ran at once, beside the lock holder's migrations.
        await waitFor(
          async () =>
            (
              await holder.query(
                `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 724001 AND NOT granted`,
              )
            ).rows.length === 1,
          30_000,
        );
        expect(await applied()).toBe(before);
        await holder.query('SELECT pg_advisory_unlock(724001)');
        expect(await exited).toBe(0);
        expect(await applied()).toBe(before - 1);
      } finally {
        revert?.kill('SIGKILL');
        await holder.end().catch(() => undefined);
        await pg.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
