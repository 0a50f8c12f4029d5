import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { newId } from '../common/new-id';
import { DomainError, ErrorCode } from '../common/domain-error';
import { LOGGER } from '../common/logger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { runTurn } from '../engine';
import type {
  GenericMessage,
  HttpCallerPort,
  SessionState,
  TraceEvent,
  TurnContextInfo,
  TurnInput,
  TurnResult,
} from '../engine';
import { HTTP_CALLER } from '../integrations/integrations.tokens';
import { OutboxDispatcher } from '../outbox/outbox-dispatcher';
import { MetricsService } from '../metrics/metrics.service';
import type { OutboxEntry } from '../outbox/outbox-entry';
import type { ConversationStatus } from './conversation-status';
import { ConversationStore, LeasedConversation, StoredMessage } from './conversation-store';
import { CachedFlow, FlowCache } from './flow-cache';
import { messagePreview } from './message-preview';
import { QueueWaitTimeout, SessionQueue } from './session-queue';

const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;

export interface TurnOutcome {
  conversationId: string;
  messages: GenericMessage[];
  currentState: string | null;
  status: ConversationStatus;
  createdAt: Date;
  at: Date;
}

export interface StartParams {
  chatbotId: string;
  channel: string;
  /** Null: the conversation id is the user id (each Chat API session is its own user). */
  userId: string | null;
  contactName?: string | null;
  locale?: string;
  /** Epoch ms by which outbound calls must be done (USSD budget). */
  deadline?: number;
}

export interface MessageParams {
  conversationId: string;
  chatbotId: string;
  channel: string;
  message: GenericMessage;
  contactName?: string | null;
  locale?: string;
  deadline?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The one place a turn happens, for every channel: take the session's lease, run the
 * engine, write the turn and release the lease in one statement, then wake the outbox.
 * No database connection is held while the engine (and its API calls) runs.
 */
@Injectable()
export class TurnService {
  private readonly queue = new SessionQueue();
  private readonly instance = newId();

  constructor(
    @Inject(ConversationStore) private readonly store: ConversationStore,
    @Inject(FlowCache) private readonly flows: FlowCache,
    @Inject(HTTP_CALLER) private readonly http: HttpCallerPort,
    @Inject(OutboxDispatcher) private readonly outbox: OutboxDispatcher,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Opens a conversation on the chatbot's published flow and runs its first turn. */
  async start(p: StartParams): Promise<TurnOutcome> {
    const started = process.hrtime.bigint();
    const id = newId();
    const owner = `${this.instance}:${id}`;
    const now = new Date();
    const created = await this.store.create({
      id,
      chatbotId: p.chatbotId,
      channel: p.channel,
      userId: p.userId ?? id,
      contactName: p.contactName ?? null,
      owner,
      leaseMs: LEASE_MS,
      now,
    });
    if (!created)
      throw new DomainError(ErrorCode.BadRequest, 'No published flow found for this chatbot');
    const row: LeasedConversation = {
      id,
      chatbot_id: p.chatbotId,
      channel: p.channel,
      user_id: p.userId ?? id,
      contact_name: p.contactName ?? null,
      status: 'ACTIVE',
      flow_version_id: created.flow_version_id,
      session: {},
      message_count: 0,
      expired: false,
      created_at: now,
    };
    return this.execute(row, owner, null, p, started);
  }

  /** Runs one user message through the conversation, after any earlier ones. */
  async message(p: MessageParams): Promise<TurnOutcome> {
    const started = process.hrtime.bigint();
    const waitUntil = Date.now() + this.config.turnWaitMs;
    try {
      return await this.queue.run(
        p.conversationId,
        async () => {
          const owner = `${this.instance}:${newId()}`;
          const row = await this.lease(p, owner, waitUntil);
          return this.execute(row, owner, p.message, p, started);
        },
        waitUntil,
      );
    } catch (err) {
      if (err instanceof QueueWaitTimeout) throw this.busy(p.channel);
      throw err;
    }
  }

  private busy(channel: string): DomainError {
    this.metrics.turns.inc({ channel, outcome: 'busy' });
    return new DomainError(
      ErrorCode.Busy,
      'The session is busy with earlier messages; retry shortly.',
      undefined,
      1,
    );
  }

  private async lease(
    p: MessageParams,
    owner: string,
    waitUntil: number,
  ): Promise<LeasedConversation> {
    let delay = 2;
    let checkedExists = false;
    for (;;) {
      const row = await this.store.tryLease(
        p.conversationId,
        p.chatbotId,
        p.channel,
        owner,
        LEASE_MS,
      );
      if (row) return row;
      if (!checkedExists) {
        if (!(await this.store.exists(p.conversationId, p.chatbotId, p.channel))) {
          throw new DomainError(ErrorCode.NotFound, 'Chat session not found');
        }
        checkedExists = true;
      }
      if (Date.now() + delay > waitUntil) throw this.busy(p.channel);
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
  }

  private async execute(
    row: LeasedConversation,
    owner: string,
    inbound: GenericMessage | null,
    p: StartParams | MessageParams,
    started: bigint,
  ): Promise<TurnOutcome> {
    let renew: NodeJS.Timeout | undefined;
    try {
      const flow = await this.usableFlow(row, owner);
      renew = setInterval(() => {
        this.store.renewLease(row.id, owner, LEASE_MS).catch((err: unknown) => {
          this.logger.warn({ err, conversation_id: row.id }, 'Lease renewal failed');
        });
      }, RENEW_EVERY_MS);
      return await this.runAndCommit(row, owner, inbound, p, started, flow);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      await this.failTurn(row, owner, inbound, err);
      throw new DomainError(
        ErrorCode.Internal,
        'Message processing failed',
        undefined,
        undefined,
        undefined,
        err,
      );
    } finally {
      clearInterval(renew);
    }
  }

  private async runAndCommit(
    row: LeasedConversation,
    owner: string,
    inbound: GenericMessage | null,
    p: StartParams | MessageParams,
    started: bigint,
    flow: CachedFlow,
  ): Promise<TurnOutcome> {
    const session = 'state' in row.session ? (row.session as SessionState) : null;
    const contactName = p.contactName ?? row.contact_name;
    const context: TurnContextInfo = {
      user_id: row.user_id,
      channel: row.channel,
      chatbot_id: row.chatbot_id,
      session_id: row.id,
      flow_name: flow.name,
      ...(contactName ? { contact_name: contactName } : {}),
      ...(p.locale ? { locale: p.locale } : {}),
    };
    const input: TurnInput = inbound
      ? { kind: 'message', message: inbound, context }
      : { kind: 'start', context };
    const result: TurnResult = await runTurn(flow.compiled, session, input, {
      http: this.http,
      clock: { now: () => new Date() },
      deadline: p.deadline,
    });

    const now = new Date();
    const status: ConversationStatus =
      result.closed || result.session.status === 'closed'
        ? 'CLOSED'
        : result.session.status === 'handoff'
          ? 'HANDOFF_PENDING'
          : 'ACTIVE';
    const messages = this.rows(
      row.message_count,
      inbound,
      result.messages,
      session?.state ?? null,
      result.session.state,
      now,
    );
    const timeoutMs = flow.compiled.settings.session_timeout_minutes * 60_000;
    const outbox: OutboxEntry[] = result.deferredCalls.map((request) => {
      const id = newId();
      // Fire-and-forget calls are independent of each other: each is its own ordering key.
      return { id, kind: 'api_call', orderingKey: id, payload: { request } };
    });
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const committed = await this.store.commitTurn({
      conversationId: row.id,
      owner,
      session: result.session,
      status,
      contactName: p.contactName ?? null,
      messages,
      lastPreview: messagePreview(messages),
      expiresAt: status === 'CLOSED' ? null : new Date(now.getTime() + timeoutMs),
      now,
      trace: { id: newId(), events: traceOf(inbound, result.trace), durationMs },
      outbox,
    });
    if (!committed) throw new Error('The session lease was lost before the turn was saved');
    if (outbox.length) this.outbox.kick();
    this.metrics.turns.inc({ channel: row.channel, outcome: 'ok' });
    this.metrics.turnDuration.observe({ channel: row.channel }, durationMs / 1000);
    return {
      conversationId: row.id,
      messages: result.messages,
      currentState: result.session.state,
      status,
      createdAt: row.created_at,
      at: now,
    };
  }

  /** The pinned flow version, after checking the conversation can still take messages. */
  private async usableFlow(row: LeasedConversation, owner: string): Promise<CachedFlow> {
    if (
      row.status === 'CLOSED' ||
      row.status === 'EXPIRED' ||
      (row.expired && row.status === 'ACTIVE')
    ) {
      const expired = row.status === 'EXPIRED' || row.expired;
      await this.store.release(row.id, owner, expired ? 'EXPIRED' : undefined);
      throw new DomainError(
        ErrorCode.Gone,
        expired ? 'Chat session has expired' : 'Chat session has been closed',
      );
    }
    const flow = row.flow_version_id ? await this.flows.get(row.flow_version_id) : null;
    if (!flow) {
      await this.store.release(row.id, owner, 'CLOSED');
      throw new DomainError(
        ErrorCode.Gone,
        'Chat session has been closed: its flow no longer exists',
      );
    }
    return flow;
  }

  /** The engine failed unexpectedly: keep the user's message, leave the session as it was. */
  private async failTurn(
    row: LeasedConversation,
    owner: string,
    inbound: GenericMessage | null,
    err: unknown,
  ) {
    this.metrics.turns.inc({ channel: row.channel, outcome: 'error' });
    const now = new Date();
    const session =
      'state' in row.session
        ? (row.session as SessionState)
        : { state: null, variables: {}, retries: 0, status: 'active' as const };
    const messages = this.rows(row.message_count, inbound, [], session.state, session.state, now);
    await this.store
      .commitTurn({
        conversationId: row.id,
        owner,
        session,
        // A conversation whose first turn failed has nothing to continue from.
        status: inbound ? row.status : 'CLOSED',
        contactName: null,
        messages,
        lastPreview: messagePreview(messages),
        expiresAt: null,
        now,
        trace: {
          id: newId(),
          events: [
            ...traceOf(inbound, []),
            { type: 'engine_error', error: err instanceof Error ? err.message : String(err) },
          ],
          durationMs: 0,
        },
        outbox: [],
      })
      .catch(() => this.store.release(row.id, owner));
  }

  private rows(
    count: number,
    inbound: GenericMessage | null,
    outbound: GenericMessage[],
    stateBefore: string | null,
    stateAfter: string | null,
    now: Date,
  ): StoredMessage[] {
    const at = now.toISOString();
    const rows: StoredMessage[] = [];
    let seq = count;
    if (inbound)
      rows.push({
        id: newId(),
        seq: seq++,
        direction: 'inbound',
        message: inbound,
        state: stateBefore,
        created_at: at,
      });
    for (const m of outbound)
      rows.push({
        id: newId(),
        seq: seq++,
        direction: 'outbound',
        message: m,
        state: stateAfter,
        created_at: at,
      });
    return rows;
  }
}

function traceOf(inbound: GenericMessage | null, events: TraceEvent[]): unknown[] {
  return [
    { type: inbound ? 'message_received' : 'session_start', message_type: inbound?.type ?? null },
    ...events,
  ];
}
