import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Meta's Graph API (WhatsApp Cloud API) on 127.0.0.1, answering like Meta:
 * - `POST /:version/:phoneNumberId/messages`: a send → 200 `{messaging_product, contacts:
 *   [{input, wa_id | user_id}], messages: [{id: 'wamid.…'}]}`; a mark-read (`status: "read"`)
 *   → `{success: true}`; a body without `messaging_product: "whatsapp"` or a recipient → 400,
 *   code 100;
 * - `GET /:version/:mediaId` → `{messaging_product, url, mime_type, sha256, file_size, id}`,
 *   whose `url` (`/media-bytes/:mediaId`, here) gives the bytes to the same bearer token only;
 * - a wrong or missing bearer token → 401 with code 190.
 * Point an integration's `graph_api_base` at `stub.url` and its `access_token` at
 * `stub.accessToken`.
 */
export interface GraphApiStub {
  readonly url: string;
  /** The token every request must carry as `Authorization: Bearer …`. */
  accessToken: string;
  /** How long each answer waits (ms). */
  delayMs: number;
  /** Every request received, in order of arrival. */
  readonly requests: StubRequest[];
  /** Media the lookups know, by media id. */
  readonly media: Map<string, StubMedia>;
  /** The message sends among the requests (not the mark-reads), whatever they were answered. */
  sends(): StubRequest[];
  /**
   * The next `times` requests that `matcher` accepts (default: message sends) get Meta's error
   * for `code`, with its real HTTP status.
   */
  failNext(code: StubFailure, times?: number, matcher?: (request: StubRequest) => boolean): void;
  /**
   * From now on, requests that `matcher` accepts (default: message sends) are never answered,
   * like a Graph API that hangs: each waits until its sender gives up or goes away (then it is
   * `aborted`). `stall(null)` stops it for requests arriving afterwards.
   */
  stall(matcher?: ((request: StubRequest) => boolean) | null): void;
  /** Resolves with the sends once `n` of them were answered; rejects after `timeoutMs`. */
  waitForSends(n: number, timeoutMs?: number): Promise<StubRequest[]>;
  /** Forgets requests, failures, media, delay and stalling (the token stays). */
  reset(): void;
  close(): Promise<void>;
}

export interface StubRequest {
  method: string;
  /** Without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body parsed (the raw text when it is not JSON; undefined when empty). */
  body: unknown;
  /** Date.now() on arrival. */
  at: number;
  /** The answer, once given. */
  status?: number;
  answer?: unknown;
  /** The sender closed the connection before it was answered (it never got an answer). */
  aborted?: boolean;
}

export interface StubMedia {
  bytes: Buffer;
  mimeType: string;
  /** Where the lookup says the file is (default: this stub's `/media-bytes/:mediaId`). */
  url?: string;
}

export type StubFailure = '131047' | '131026' | '130429' | '131056' | '190' | '500' | '503' | '429';

/**
 * Meta's answers to each failure: the HTTP status of its error code table and a Graph error
 * body. Throttling codes (4, 130429, 131056) come as 429 in today's table (older versions of it
 * said 400; the server reads the code, not the status).
 */
const FAILURES: Record<
  StubFailure,
  { status: number; code: number; title: string; details?: string }
> = {
  '131047': {
    status: 400,
    code: 131047,
    title: 'Re-engagement message',
    details: 'The user last wrote more than 24 hours ago: only a template can reach them now.',
  },
  '131026': {
    status: 400,
    code: 131026,
    title: 'Message Undeliverable',
    details: 'This recipient cannot receive the message.',
  },
  '130429': {
    status: 429,
    code: 130429,
    title: 'Rate limit hit',
    details: 'This phone number is sending faster than its throughput allows.',
  },
  '131056': {
    status: 429,
    code: 131056,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details: 'Too many messages to this user in a short time; wait before sending again.',
  },
  '190': {
    status: 401,
    code: 190,
    title: 'Error validating access token: the session is invalid.',
  },
  '500': { status: 500, code: 131000, title: 'Something went wrong', details: 'Unknown error.' },
  '503': { status: 503, code: 2, title: 'Service temporarily unavailable' },
  '429': { status: 429, code: 4, title: 'Application request limit reached' },
};

const isSend = (r: StubRequest) =>
  r.method === 'POST' &&
  r.path.endsWith('/messages') &&
  (r.body as { status?: unknown } | undefined)?.status !== 'read';

export async function startGraphApiStub(
  options: { accessToken?: string } = {},
): Promise<GraphApiStub> {
  const stub = new Stub(options.accessToken ?? 'stub-graph-token');
  await stub.listen();
  return stub;
}

interface Answer {
  status: number;
  json?: unknown;
  bytes?: { data: Buffer; type: string };
}

class Stub implements GraphApiStub {
  url = '';
  delayMs = 0;
  readonly requests: StubRequest[] = [];
  readonly media = new Map<string, StubMedia>();
  private failures: Array<{
    code: StubFailure;
    left: number;
    matcher: (r: StubRequest) => boolean;
  }> = [];
  private readonly answered = new Set<() => void>();
  private stalling: ((r: StubRequest) => boolean) | null = null;
  private sent = 0;
  private readonly server = createServer((req, res) => {
    this.handle(req, res).catch(() => res.destroy());
  });

  constructor(public accessToken: string) {}

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  sends(): StubRequest[] {
    return this.requests.filter(isSend);
  }

  failNext(code: StubFailure, times = 1, matcher: (r: StubRequest) => boolean = isSend): void {
    this.failures.push({ code, left: times, matcher });
  }

  stall(matcher: ((r: StubRequest) => boolean) | null = isSend): void {
    this.stalling = matcher;
  }

  waitForSends(n: number, timeoutMs = 5_000): Promise<StubRequest[]> {
    const done = () => this.sends().filter((r) => r.status !== undefined);
    if (done().length >= n) return Promise.resolve(done());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done().length < n) return;
        finish();
        resolve(done());
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Graph API stub: ${done().length} of ${n} sends in ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.answered.delete(check);
      };
      this.answered.add(check);
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.failures = [];
    this.media.clear();
    this.delayMs = 0;
    this.stalling = null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: StubRequest = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0],
      headers: req.headers,
      body: text === '' ? undefined : parse(text),
      at: Date.now(),
    };
    this.requests.push(request);
    const gone = new Promise<void>((resolve) =>
      res.once('close', () => {
        if (!res.writableFinished) request.aborted = true;
        resolve();
      }),
    );
    if (this.stalling?.(request)) return gone;
    const answer = this.answer(request);
    if (this.delayMs > 0)
      await Promise.race([gone, new Promise((r) => setTimeout(r, this.delayMs))]);
    if (request.aborted) return;
    request.status = answer.status;
    request.answer = answer.json;
    if (answer.bytes)
      res.writeHead(answer.status, {
        'content-type': answer.bytes.type,
        'content-length': answer.bytes.data.length,
      });
    else res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.bytes?.data ?? JSON.stringify(answer.json));
    for (const check of [...this.answered]) check();
  }

  private answer(r: StubRequest): Answer {
    if (r.headers.authorization !== `Bearer ${this.accessToken}`) return failure('190');
    const failing = this.failures.find((f) => f.matcher(r));
    if (failing) {
      if (--failing.left <= 0) this.failures.splice(this.failures.indexOf(failing), 1);
      return failure(failing.code);
    }
    const parts = r.path.split('/').slice(1);
    if (r.method === 'POST' && parts.length === 3 && parts[2] === 'messages')
      return this.message(r.body);
    if (r.method === 'GET' && parts.length === 2 && parts[0] === 'media-bytes') {
      const media = this.media.get(parts[1]);
      if (media) return { status: 200, bytes: { data: media.bytes, type: media.mimeType } };
    }
    if (r.method === 'GET' && parts.length === 2) {
      const media = this.media.get(parts[1]);
      if (media)
        return {
          status: 200,
          json: {
            messaging_product: 'whatsapp',
            url: media.url ?? `${this.url}/media-bytes/${parts[1]}`,
            mime_type: media.mimeType,
            sha256: createHash('sha256').update(media.bytes).digest('hex'),
            file_size: media.bytes.length,
            id: parts[1],
          },
        };
    }
    return graphError(400, 100, `Unsupported ${r.method} request: ${r.path} is not known here.`);
  }

  private message(body: unknown): Answer {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (b.messaging_product !== 'whatsapp')
      return graphError(400, 100, 'The parameter messaging_product is required.');
    if (b.status === 'read') return { status: 200, json: { success: true } };
    const to = typeof b.to === 'string' ? b.to : undefined;
    const recipient = typeof b.recipient === 'string' ? b.recipient : undefined;
    if (!(to ?? recipient) || typeof b.type !== 'string')
      return graphError(400, 100, 'A message needs a recipient (to or recipient) and a type.');
    const wamid = `wamid.STUB${++this.sent}.${randomBytes(6).toString('hex')}`;
    return {
      status: 200,
      json: {
        messaging_product: 'whatsapp',
        contacts: [to ? { input: to, wa_id: to } : { input: recipient, user_id: recipient }],
        messages: [{ id: wamid }],
      },
    };
  }
}

function failure(code: StubFailure): Answer {
  const f = FAILURES[code];
  const message = f.code === 190 ? f.title : `(#${f.code}) ${f.title}`;
  return graphError(f.status, f.code, message, f.details);
}

function graphError(status: number, code: number, message: string, details?: string): Answer {
  return {
    status,
    json: {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
        fbtrace_id: `A${randomBytes(8).toString('base64url')}`,
      },
    },
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
