/**
 * Baseline for `npm run bench:whatsapp`: the least a WhatsApp webhook event can cost on this
 * stack. A bare node:http server with a pg.Pool (its statements prepared as the gateway's
 * are: prepared-pool.ts), per event:
 *   1. checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw bytes with the app secret,
 *      compared with timingSafeEqual);
 *   2. parses the JSON and stores each message in an inbox table of its own (unique on the
 *      wamid, `ON CONFLICT DO NOTHING`: a redelivered message is stored once, answered once);
 *   3. answers 200;
 *   4. then sends the reply to the Graph API (node:http, kept-alive connections), the same
 *      JSON shape the gateway sends, and marks the inbox row done.
 * Its "engine" is stateless: the reply is the menu flow's screen for the button tapped
 * (bench/support/menu-load.ts › MENU_FLOW), the menu for anything else. No framework, no
 * sessions, no outbox, no retries, no mark-read calls.
 *
 * Environment: DATABASE_URL (required), PORT, HOST (127.0.0.1), DATABASE_POOL_SIZE (10),
 * WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, GRAPH_API_BASE (a loopback URL),
 * GRAPH_API_VERSION (v21.0).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { preparedPool } from './prepared-pool';
import { MENU_FLOW } from './menu-load';

const { pool, query } = preparedPool(
  process.env.DATABASE_URL,
  Number(process.env.DATABASE_POOL_SIZE ?? 10),
);
const appSecret = process.env.WHATSAPP_APP_SECRET ?? '';
const accessToken = process.env.WHATSAPP_ACCESS_TOKEN ?? '';
const graph = new URL(process.env.GRAPH_API_BASE ?? 'http://127.0.0.1:9');
const graphVersion = process.env.GRAPH_API_VERSION ?? 'v21.0';
if (graph.hostname !== '127.0.0.1') throw new Error('GRAPH_API_BASE must be on 127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });

const CREATE_SQL = `
CREATE TABLE IF NOT EXISTS bench_whatsapp_inbox (
  id bigserial PRIMARY KEY,
  wamid text NOT NULL UNIQUE,
  integration_id text NOT NULL,
  user_id text NOT NULL,
  message jsonb NOT NULL,
  status text NOT NULL DEFAULT 'received',
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
)`;
const INSERT_SQL = `
INSERT INTO bench_whatsapp_inbox (wamid, integration_id, user_id, message)
VALUES ($1, $2, $3, $4)
ON CONFLICT (wamid) DO NOTHING
RETURNING id`;
const DONE_SQL = `UPDATE bench_whatsapp_inbox SET status = $2, done_at = now() WHERE id = $1`;

// ---------------------------------------------------------------------------------------
// The stateless "engine": the screen of the button tapped, else the menu.

type Screen = (typeof MENU_FLOW.states)[keyof typeof MENU_FLOW.states];
const SCREENS: Record<string, Screen> = MENU_FLOW.states;

function replyFor(input: string, user: string): Record<string, unknown> {
  const screen = Object.hasOwn(SCREENS, input) ? SCREENS[input] : MENU_FLOW.states.menu;
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: screen.message.replace('{{user_id}}', `+${user}`) },
      action: {
        buttons: screen.buttons.map((b) => ({
          type: 'reply',
          reply: { id: b.id, title: b.title },
        })),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------

interface InboundMessage {
  id?: unknown;
  from?: unknown;
  type?: unknown;
  text?: { body?: unknown };
  interactive?: { button_reply?: { id?: unknown }; list_reply?: { id?: unknown } };
}

interface Stored {
  rowId: string;
  phoneNumberId: string;
  user: string;
  input: string;
}

function validSignature(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(given, expected);
}

function inputOf(m: InboundMessage): string {
  const i = m.interactive;
  const id = i?.button_reply?.id ?? i?.list_reply?.id ?? m.text?.body;
  return typeof id === 'string' ? id : '';
}

/** Stores every message of the body; returns the new ones (a redelivery stores nothing). */
async function store(integrationId: string, body: unknown): Promise<Stored[]> {
  const stored: Stored[] = [];
  const entries = (body as { entry?: unknown[] } | null)?.entry;
  for (const entry of Array.isArray(entries) ? entries : []) {
    const changes = (entry as { changes?: unknown[] }).changes;
    for (const change of Array.isArray(changes) ? changes : []) {
      const value = (change as { value?: Record<string, unknown> }).value ?? {};
      const messages = Array.isArray(value.messages) ? (value.messages as InboundMessage[]) : [];
      const metadata = value.metadata as { phone_number_id?: unknown } | undefined;
      const phoneNumberId =
        typeof metadata?.phone_number_id === 'string' ? metadata.phone_number_id : '';
      for (const m of messages) {
        if (typeof m.id !== 'string' || typeof m.from !== 'string') continue;
        const r = await query<{ id: string }>(INSERT_SQL, [
          m.id,
          integrationId,
          m.from,
          JSON.stringify(m),
        ]);
        if (r.rows[0])
          stored.push({ rowId: r.rows[0].id, phoneNumberId, user: m.from, input: inputOf(m) });
      }
    }
  }
  return stored;
}

function sendReply(s: Stored): Promise<number> {
  const payload = Buffer.from(
    JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: s.user,
      ...replyFor(s.input, s.user),
    }),
  );
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: graph.port,
        method: 'POST',
        path: `${graph.pathname.replace(/\/$/, '')}/${graphVersion}/${s.phoneNumberId}/messages`,
        agent,
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          'content-length': String(payload.length),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('Graph API: no answer within 30 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function deliver(s: Stored): Promise<void> {
  const status = await sendReply(s).catch(() => 0);
  await query(DONE_SQL, [s.rowId, status >= 200 && status < 300 ? 'done' : 'failed']);
}

const WEBHOOK = /^\/webhooks\/whatsapp\/([0-9A-Za-z_-]{1,64})$/;

function respond(res: http.ServerResponse, status: number, text = ''): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/health/live') return respond(res, 200, 'ok');
  const m = WEBHOOK.exec(url);
  if (req.method !== 'POST' || !m) return respond(res, 404, 'Not found');
  if (!validSignature(raw, req.headers['x-hub-signature-256']))
    return respond(res, 401, 'Invalid signature');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return respond(res, 400, 'Malformed JSON');
  }
  const stored = await store(m[1], body);
  respond(res, 200);
  for (const s of stored)
    deliver(s).catch((err: unknown) =>
      process.stderr.write(`baseline: could not deliver ${s.rowId}: ${String(err)}\n`),
    );
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
      if (!res.headersSent) respond(res, 500, err instanceof Error ? err.message : String(err));
    });
  });
});
server.keepAliveTimeout = 65_000;

const started = Date.now();
pool.query(CREATE_SQL).then(
  () =>
    server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      process.stdout.write(
        `${JSON.stringify({ level: 'info', port, startup_ms: Date.now() - started, msg: 'whatsapp baseline listening' })}\n`,
      );
    }),
  (err: unknown) => {
    process.stderr.write(`baseline: could not create its inbox table: ${String(err)}\n`);
    process.exit(1);
  },
);

const stop = (): void => {
  server.close();
  server.closeIdleConnections();
  agent.destroy();
  pool.end().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
