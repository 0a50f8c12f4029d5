/**
 * What the bare servers of `npm run bench:whatsapp` share (whatsapp-baseline.ts,
 * whatsapp-floor.ts): a node:http server for the WhatsApp webhook with a pg.Pool (its
 * statements prepared as the gateway's are: prepared-pool.ts), the signature check, the
 * messages of a webhook body, a stateless "engine" and Graph API calls on kept-alive
 * connections. No framework: each server adds only what it stores and how it answers.
 *
 * Environment: DATABASE_URL (required), PORT, HOST (127.0.0.1), DATABASE_POOL_SIZE (10),
 * WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, GRAPH_API_BASE (a loopback URL),
 * GRAPH_API_VERSION (v21.0).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { preparedPool } from './prepared-pool';
import { MENU_FLOW } from './menu-load';

export const { pool, query } = preparedPool(
  process.env.DATABASE_URL,
  Number(process.env.DATABASE_POOL_SIZE ?? 10),
);
const appSecret = process.env.WHATSAPP_APP_SECRET ?? '';
const accessToken = process.env.WHATSAPP_ACCESS_TOKEN ?? '';
const graph = new URL(process.env.GRAPH_API_BASE ?? 'http://127.0.0.1:9');
const graphVersion = process.env.GRAPH_API_VERSION ?? 'v21.0';
if (graph.hostname !== '127.0.0.1') throw new Error('GRAPH_API_BASE must be on 127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });

/** One inbound message of a webhook body. */
export interface Inbound {
  wamid: string;
  phoneNumberId: string;
  user: string;
  /** The button id tapped, else the text. */
  input: string;
  message: InboundMessage;
}

interface InboundMessage {
  id?: unknown;
  from?: unknown;
  type?: unknown;
  text?: { body?: unknown };
  interactive?: { button_reply?: { id?: unknown }; list_reply?: { id?: unknown } };
}

/** Every message of every change of every entry. */
export function inboundMessages(body: unknown): Inbound[] {
  const out: Inbound[] = [];
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
        const i = m.interactive;
        const input = i?.button_reply?.id ?? i?.list_reply?.id ?? m.text?.body;
        out.push({
          wamid: m.id,
          phoneNumberId,
          user: m.from,
          input: typeof input === 'string' ? input : '',
          message: m,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The stateless "engine": the screen of the button tapped, else the menu.

type Screen = (typeof MENU_FLOW.states)[keyof typeof MENU_FLOW.states];
const SCREENS: Record<string, Screen> = MENU_FLOW.states;

/** The screen `input` leads to, and the Graph API message that shows it to `user`. */
export function replyFor(
  input: string,
  user: string,
): { screen: string; message: Record<string, unknown> } {
  const screen = Object.hasOwn(SCREENS, input) ? input : 'menu';
  const { message, buttons } = SCREENS[screen];
  return {
    screen,
    message: {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: message.replace('{{user_id}}', `+${user}`) },
        action: {
          buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })),
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------

/** POSTs `payload` to the number's `/messages`: the status (0: no answer) and the body. */
export function graphPost(
  phoneNumberId: string,
  payload: Record<string, unknown>,
): Promise<{ status: number; body: string }> {
  const bytes = Buffer.from(JSON.stringify({ messaging_product: 'whatsapp', ...payload }));
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: graph.port,
        method: 'POST',
        path: `${graph.pathname.replace(/\/$/, '')}/${graphVersion}/${phoneNumberId}/messages`,
        agent,
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          'content-length': String(bytes.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('Graph API: no answer within 30 s')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(bytes);
  });
}

/** The reply message to `user` (a phone number), as the gateway sends it. */
export const replyPayload = (user: string, message: Record<string, unknown>) => ({
  recipient_type: 'individual',
  to: user,
  ...message,
});

function validSignature(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(given, expected);
}

function respond(res: http.ServerResponse, status: number, text = ''): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const WEBHOOK = /^\/webhooks\/whatsapp\/([0-9A-Za-z_-]{1,64})$/;

/**
 * Serves `POST /webhooks/whatsapp/{integration}`: checks the signature (401), parses the body
 * (400), `store`s its messages, answers 200, then `deliver`s each one `store` returned.
 * `setup` (SQL, one statement each) runs before it listens.
 */
export function serveWebhooks<S>(o: {
  name: string;
  setup: string[];
  store: (integrationId: string, messages: Inbound[]) => Promise<S[]>;
  deliver: (stored: S) => Promise<void>;
}): void {
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
    const stored = await o.store(m[1], inboundMessages(body));
    respond(res, 200);
    for (const s of stored)
      o.deliver(s).catch((err: unknown) =>
        process.stderr.write(`${o.name}: could not deliver: ${String(err)}\n`),
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
  o.setup
    .reduce((done, sql) => done.then(() => pool.query(sql)), Promise.resolve<unknown>(undefined))
    .then(
      () =>
        server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
          const addr = server.address();
          const port = typeof addr === 'object' && addr ? addr.port : 0;
          process.stdout.write(
            `${JSON.stringify({ level: 'info', port, startup_ms: Date.now() - started, msg: `${o.name} listening` })}\n`,
          );
        }),
      (err: unknown) => {
        process.stderr.write(`${o.name}: could not create its tables: ${String(err)}\n`);
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
}
