import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { ConversationQueries } from '../../conversation/conversation-queries';
import { MessageSignals } from '../../conversation/message-signals';

/** How often a stream looks for messages stored by another instance (this one wakes it at once). */
const POLL_MS = 2_000;
/** A comment line this often keeps proxies from closing an idle stream. */
const PING_MS = 20_000;
const BATCH = 100;
/** Open streams per session on one instance (a few tabs of one visitor). */
export const MAX_STREAMS_PER_SESSION = 3;

/**
 * The widget's event stream (Server-Sent Events): the messages that answer no request (a
 * person's; the bot's after a release at a state or an outbound message), each
 * with its message id as the event id, so `Last-Event-ID` resumes after the last one seen:
 * nothing lost across a reconnect, nothing sent twice.
 */
@Injectable()
export class WebEventStream implements BeforeApplicationShutdown {
  private readonly open = new Map<string, number>();
  private readonly streams = new Set<AbortController>();

  constructor(
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
    @Inject(MessageSignals) private readonly signals: MessageSignals,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Streams until the client goes away (or the server stops). */
  async run(sessionId: string, after: string | null, reply: FastifyReply): Promise<void> {
    const count = this.open.get(sessionId) ?? 0;
    if (count >= MAX_STREAMS_PER_SESSION)
      throw new DomainError(
        ErrorCode.RateLimited,
        `At most ${MAX_STREAMS_PER_SESSION} event streams may be open per session.`,
        undefined,
        5,
      );
    this.open.set(sessionId, count + 1);
    // The stream is written to the socket directly; the headers set so far (CORS, request id)
    // go with it.
    reply.hijack();
    const res = reply.raw;
    const stop = new AbortController();
    this.streams.add(stop);
    res.on('close', () => stop.abort());
    try {
      res.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
        // The socket closes with the stream: one left open and idle after it would hold a
        // stopping server (which closes idle sockets only when it starts to stop) for the
        // whole grace period.
        Connection: 'close',
      });
      res.write('retry: 3000\n\n');
      await this.pump(sessionId, after, res, stop.signal);
    } catch (err) {
      this.logger.warn({ err, sessionId }, 'widget event stream ended by an error');
    } finally {
      this.streams.delete(stop);
      const left = (this.open.get(sessionId) ?? 1) - 1;
      if (left > 0) this.open.set(sessionId, left);
      else this.open.delete(sessionId);
      res.end();
    }
  }

  /**
   * Before the HTTP server closes: it waits for open connections, and a stream stays open
   * until its visitor leaves, so ending them only afterwards held every stop for the whole
   * grace period (and refused the widgets' reconnects meanwhile). The widget resumes on the
   * next instance with Last-Event-ID.
   */
  beforeApplicationShutdown(): void {
    for (const stop of this.streams) stop.abort();
  }

  private async pump(
    sessionId: string,
    after: string | null,
    res: ServerResponse,
    stop: AbortSignal,
  ) {
    let last = after;
    let pinged = Date.now();
    while (!stop.aborted) {
      const batch = await this.conversations.pushedMessagesAfter(sessionId, last, BATCH);
      for (const m of batch) {
        res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
        last = m.id;
      }
      if (batch.length === BATCH) continue;
      if (Date.now() - pinged >= PING_MS) {
        res.write(': ping\n\n');
        pinged = Date.now();
      }
      await this.signals.wait(sessionId, Math.min(POLL_MS, PING_MS), stop);
    }
  }
}
