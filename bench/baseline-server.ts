/**
 * Baseline for `npm run bench`: the least a Chat API turn can cost on this stack. A bare
 * node:http server with a pg.Pool runs, per turn, the same two statements as the real
 * server (take the lease and read the session; write messages + trace + session and release
 * the lease in one CTE), prepared as the server's are (support/prepared-pool.ts), with a
 * trivial in-memory "engine" in between. No framework, no validation pipes, no ORM, no
 * templates.
 *
 * Environment: DATABASE_URL (required), PORT, HOST (127.0.0.1), DATABASE_POOL_SIZE (10),
 * BOOTSTRAP_API_KEY (the Bearer token it accepts).
 */
import http from 'node:http';
import { preparedPool } from './support/prepared-pool';
import { monotonicFactory } from 'ulid';
import { COMMIT_TURN_SQL, CREATE_CONVERSATION_SQL, LEASE_SQL } from '../src/conversation/turn-sql';
import { encodeTrace } from '../src/conversation/trace-codec';
import { traceHasError } from '../src/conversation/trace-level';

const nextId = monotonicFactory();
const instance = nextId();
const LEASE_MS = 30_000;
const TIMEOUT_MS = 30 * 60_000;
const CHANNEL = 'api';

// The same statements as the gateway's turn pipeline.

interface Session {
  state: string | null;
  variables: Record<string, unknown>;
  retries: number;
  status: 'active' | 'closed' | 'handoff';
}

interface Message {
  type: string;
  text: string;
  buttons?: { id: string; title: string }[];
}

interface LeasedRow {
  id: string;
  user_id: string;
  message_count: number;
  session: Session | Record<string, never>;
  created_at: Date;
}

// ---------------------------------------------------------------------------------------
// The trivial engine: the benchmark flow's five states, hard-coded.

const ASK_NUMBER: Message = { type: 'text', text: 'Send me a number, friend.' };
const ASK_MORE: Message = {
  type: 'buttons',
  text: 'Another one?',
  buttons: [
    { id: 'yes', title: 'Yes' },
    { id: 'no', title: 'No' },
  ],
};

function step(
  session: Session,
  text: string | null,
): { session: Session; messages: Message[]; trace: unknown[] } {
  const vars: Record<string, unknown> = { ...session.variables, last_input: text };
  const trace: unknown[] = [];
  const enter = (state: string): void => {
    trace.push({ type: 'state_entered', state });
  };
  if (session.state === null) {
    enter('menu');
    return {
      session: { state: 'menu', variables: vars, retries: 0, status: 'active' },
      messages: [ASK_NUMBER],
      trace,
    };
  }
  if (session.state === 'menu') {
    const n = Number(text);
    if (!Number.isInteger(n)) {
      return {
        session: { ...session, variables: vars, retries: session.retries + 1 },
        messages: [{ type: 'text', text: 'That is not a whole number.' }],
        trace,
      };
    }
    const kind = n >= 50 ? 'big' : 'small';
    enter(kind);
    enter('ask_more');
    return {
      session: {
        state: 'ask_more',
        variables: { ...vars, n, last: kind },
        retries: 0,
        status: 'active',
      },
      messages: [{ type: 'text', text: `${n} is ${kind}.` }, ASK_MORE],
      trace,
    };
  }
  const messages: Message[] = [];
  if (text?.toLowerCase() === 'no') {
    enter('bye');
    messages.push({ type: 'text', text: `Bye for now; the last one was ${String(vars.last)}.` });
  }
  enter('menu');
  messages.push(ASK_NUMBER);
  return {
    session: { state: 'menu', variables: vars, retries: 0, status: 'active' },
    messages,
    trace,
  };
}

// ---------------------------------------------------------------------------------------

const { pool, query } = preparedPool(
  process.env.DATABASE_URL,
  Number(process.env.DATABASE_POOL_SIZE ?? 10),
);
const apiKey = process.env.BOOTSTRAP_API_KEY ?? '';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function commit(
  row: { id: string; message_count: number },
  owner: string,
  before: Session | null,
  inbound: string | null,
  out: ReturnType<typeof step>,
  started: bigint,
) {
  const now = new Date();
  const at = now.toISOString();
  let seq = row.message_count;
  const rows: unknown[] = [];
  if (inbound !== null) {
    rows.push({
      id: nextId(),
      seq: seq++,
      direction: 'inbound',
      message: { type: 'text', text: inbound },
      state: before?.state ?? null,
      created_at: at,
    });
  }
  for (const m of out.messages)
    rows.push({
      id: nextId(),
      seq: seq++,
      direction: 'outbound',
      message: m,
      state: out.session.state,
      created_at: at,
    });
  const last = out.messages[out.messages.length - 1];
  const events = [
    {
      type: inbound !== null ? 'message_received' : 'session_start',
      message_type: inbound !== null ? 'text' : null,
    },
    ...out.trace,
  ];
  // One turn, as conversation.repository.ts › turnRow writes it.
  const turn = {
    id: row.id,
    owner,
    session: out.session,
    state: out.session.state,
    status: 'ACTIVE',
    count: rows.length,
    now,
    last_preview: last ? last.text.slice(0, 200) : null,
    expires_at: new Date(now.getTime() + TIMEOUT_MS),
    contact_name: null,
    messages: rows,
    trace_id: nextId(),
    trace_events: encodeTrace(events),
    duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
    outbox: [],
    inbox_id: null,
    channel_state: null,
    claim_owner: null,
    claim_ms: null,
    trace_error: traceHasError(events),
    own_keys: null,
  };
  const result = await query<{ ok: string }>(COMMIT_TURN_SQL, [JSON.stringify([turn]), null]);
  if (Number(result.rows[0]?.ok ?? 0) === 0) throw new HttpError(500, 'lease lost');
  return { now, count: rows.length };
}

async function createSession(chatbotId: string): Promise<object> {
  const started = process.hrtime.bigint();
  const id = nextId();
  const owner = `${instance}:${id}`;
  const now = new Date();
  const created = await query<{ flow_version_id: string }>(CREATE_CONVERSATION_SQL, [
    id,
    chatbotId,
    CHANNEL,
    id,
    null,
    owner,
    LEASE_MS,
    now,
    null,
  ]);
  if (!created.rows[0]) throw new HttpError(400, 'No published flow found for this chatbot');
  const out = step({ state: null, variables: {}, retries: 0, status: 'active' }, null);
  await commit({ id, message_count: 0 }, owner, null, null, out, started);
  return {
    session_id: id,
    channel: CHANNEL,
    created_at: now.toISOString(),
    messages: out.messages,
    messages_count: out.messages.length,
    current_state: out.session.state,
    status: 'ACTIVE',
  };
}

async function sendMessage(chatbotId: string, sessionId: string, body: unknown): Promise<object> {
  const started = process.hrtime.bigint();
  const text = (body as { message?: unknown } | null)?.message;
  if (typeof text !== 'string' || text.length < 1 || text.length > 4096)
    throw new HttpError(400, 'message must be 1 to 4096 characters long');
  const owner = `${instance}:${nextId()}`;
  const leased = await query<LeasedRow>(LEASE_SQL, [
    sessionId,
    chatbotId,
    CHANNEL,
    owner,
    LEASE_MS,
    LEASE_MS,
  ]);
  const row = leased.rows[0];
  if (!row?.id) throw new HttpError(409, 'The session is busy (or does not exist)');
  const session = 'state' in row.session ? (row.session as Session) : null;
  const out = step(session ?? { state: null, variables: {}, retries: 0, status: 'active' }, text);
  const { now } = await commit(row, owner, session, text, out, started);
  return {
    session_id: row.id,
    messages: out.messages,
    messages_count: out.messages.length,
    current_state: out.session.state,
    status: 'ACTIVE',
    timestamp: now.toISOString(),
  };
}

const SESSIONS = /^\/api\/dev\/v1\/chatbots\/([0-9A-HJKMNP-TV-Z]{26})\/chat\/sessions$/;
const MESSAGES =
  /^\/api\/dev\/v1\/chatbots\/([0-9A-HJKMNP-TV-Z]{26})\/chat\/sessions\/([0-9A-HJKMNP-TV-Z]{26})\/messages$/;

function respond(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function route(req: http.IncomingMessage, raw: Buffer): Promise<[number, object]> {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url === '/health/live') return [200, { status: 'ok' }];
  if (req.headers.authorization !== `Bearer ${apiKey}`)
    throw new HttpError(401, 'Invalid or expired API key.');
  let body: unknown = {};
  if (raw.length) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'Malformed JSON');
    }
  }
  if (req.method === 'POST') {
    const m = MESSAGES.exec(url);
    if (m) return [200, await sendMessage(m[1], m[2], body)];
    const s = SESSIONS.exec(url);
    if (s) return [201, await createSession(s[1])];
  }
  throw new HttpError(404, 'Not found');
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    route(req, Buffer.concat(chunks)).then(
      ([status, body]) => respond(res, status, body),
      (err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        respond(res, status, {
          error: { message: err instanceof Error ? err.message : String(err) },
        });
      },
    );
  });
});
server.keepAliveTimeout = 65_000;

const started = Date.now();
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(
    `${JSON.stringify({ level: 'info', port, startup_ms: Date.now() - started, msg: 'baseline listening' })}\n`,
  );
});

const stop = (): void => {
  server.close();
  server.closeIdleConnections();
  pool.end().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
