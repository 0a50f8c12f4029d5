import type { GenericMessage } from '../../../engine/generic-message';
import { backoffDelay } from './backoff';
import { retryAfterMs } from './retry-after';
import { SseParser } from './sse-parser';
import type { FetchFn } from './widget-api';

/** The data of an `event: message` (docs/web.md). */
export interface StreamMessage {
  id: string;
  message: GenericMessage;
  responder?: string;
  created_at?: string;
}

export interface EventStreamOptions {
  url: string;
  token: string;
  /** Resume after this message id (the newest one the widget has drawn). */
  lastEventId?: string;
  onMessage(message: StreamMessage): void;
  /** The session is gone for this stream (404/410/403): it stops and does not retry. */
  onGone?(status: number): void;
  fetchFn?: FetchFn;
  /** Waits `ms` unless the signal aborts first. Injected by specs to avoid real timers. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  random?(): number;
  /** The server pings every 20 s; silence for this long means a dead connection. */
  idleMs?: number;
}

/**
 * Keeps a Server-Sent Events stream open with fetch() (EventSource cannot send the
 * Authorization header), reconnecting with backoff and Last-Event-ID so nothing is lost or
 * repeated across network drops.
 */
export class EventStream {
  private readonly stopper = new AbortController();
  private lastId: string | undefined;
  private running = false;

  constructor(private readonly opts: EventStreamOptions) {
    this.lastId = opts.lastEventId;
  }

  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Starts the connection loop; resolves when the stream is stopped or gone. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    return this.loop();
  }

  stop(): void {
    this.stopper.abort();
  }

  private async loop(): Promise<void> {
    const fetchFn = this.opts.fetchFn ?? ((url, init) => fetch(url, init));
    const sleep = this.opts.sleep ?? abortableSleep;
    let attempt = 0;
    while (!this.stopper.signal.aborted) {
      let wait: number | null = null;
      const conn = new AbortController();
      const abortConn = () => conn.abort();
      this.stopper.signal.addEventListener('abort', abortConn);
      try {
        const headers: Record<string, string> = {
          Accept: 'text/event-stream',
          Authorization: `Visitor ${this.opts.token}`,
        };
        if (this.lastId) headers['Last-Event-ID'] = this.lastId;
        const res = await fetchFn(this.opts.url, {
          headers,
          signal: conn.signal,
          credentials: 'omit',
          cache: 'no-store',
        });
        if (res.status === 403 || res.status === 404 || res.status === 410) {
          this.opts.onGone?.(res.status);
          return;
        }
        if (res.ok && res.body) {
          if (await this.read(res.body, conn)) attempt = 0;
        } else {
          wait = retryAfterMs(res.headers.get('Retry-After'));
          await res.body?.cancel().catch(() => undefined);
        }
      } catch {
        // network error, idle timeout or stop(): the loop decides below
      } finally {
        this.stopper.signal.removeEventListener('abort', abortConn);
      }
      if (this.stopper.signal.aborted) return;
      await sleep(
        wait ?? backoffDelay(attempt++, undefined, this.opts.random),
        this.stopper.signal,
      );
    }
  }

  /** Reads one connection to its end; true when it received anything (a healthy stream). */
  private async read(body: ReadableStream<Uint8Array>, conn: AbortController): Promise<boolean> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(this.lastId);
    const idleMs = this.opts.idleMs ?? 45000;
    let idle = setTimeout(() => conn.abort(), idleMs);
    let received = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received = true;
        clearTimeout(idle);
        idle = setTimeout(() => conn.abort(), idleMs);
        for (const ev of parser.push(decoder.decode(value, { stream: true }))) {
          this.lastId = parser.lastEventId;
          if (ev.event !== 'message') continue;
          const data = parseMessage(ev.data);
          if (data) this.opts.onMessage(data);
        }
        this.lastId = parser.lastEventId;
      }
    } finally {
      clearTimeout(idle);
      reader.releaseLock();
    }
    return received;
  }
}

function parseMessage(data: string): StreamMessage | null {
  try {
    const v = JSON.parse(data) as Partial<StreamMessage> | null;
    if (!v || typeof v.id !== 'string' || typeof v.message !== 'object' || v.message === null)
      return null;
    return v as StreamMessage;
  } catch {
    return null;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
