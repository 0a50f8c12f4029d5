import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../common/domain-error';
import { LOGGER } from '../common/logger';
import { newId } from '../common/new-id';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { runTurn } from '../engine';
import type {
  GenericMessage,
  HttpCallerPort,
  SessionState,
  TurnContextInfo,
  TurnInput,
  TurnResult,
} from '../engine';
import { HTTP_CALLER } from '../integrations/integrations.tokens';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxDispatcher } from '../outbox/outbox-dispatcher';
import { availability, isHandedOff, statusAfterTurn } from './conversation-status';
import { ChannelReplies, replyTarget } from './channel-replies';
import {
  ConversationRepository,
  LeasedConversation,
  type LeaseGate,
} from './conversation.repository';
import { CachedFlow, FlowCache } from './flow-cache';
import type { ChannelRead, EarlyLease, InboundTurn, TurnSummary } from './inbound-turn';
import { QueueWaitTimeout, SessionQueue } from './session-queue';
import { LEASE_MS, SessionLease } from './session-lease';
import { buildTurnRecord, EMPTY_SESSION, turnTrace } from './turn-record';
import { turnEvents } from './turn-events';
import { TurnRefused } from './turn-refused';
import { eventConversation } from '../events/conversation-event';

export interface TurnOutcome extends TurnSummary {
  createdAt: Date;
  at: Date;
  /** The channel's state after the turn (channels that keep one, see InboundTurn). */
  channelState?: unknown;
  /** True when the channel answered from its own state and the flow took no step. */
  aside?: boolean;
  /** With `aside`: the answer to a repeat of the last request (ChannelRead.repeat). */
  repeat?: boolean;
}

/** A leased conversation and how this turn treats it. */
interface Leased {
  row: LeasedConversation;
  owner: string;
  /** A new session: run the flow's start (recording the user's message, if any). */
  start: boolean;
}

/**
 * The one place a turn happens, for every channel: find or open the session (by id, or by
 * channel + user key), take its lease, run the engine, then write the turn and release the
 * lease in one statement, and wake the outbox. No database connection is held while the
 * engine (and its API calls) runs.
 */
@Injectable()
export class TurnService {
  private readonly queue = new SessionQueue();

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(SessionLease) private readonly lease: SessionLease,
    @Inject(FlowCache) private readonly flows: FlowCache,
    @Inject(HTTP_CALLER) private readonly http: HttpCallerPort,
    @Inject(OutboxDispatcher) private readonly outbox: OutboxDispatcher,
    @Inject(ChannelReplies) private readonly channels: ChannelReplies,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Runs one inbound turn; messages of one session run one at a time, in arrival order.
   * Turns by key also queue here per key (their inbox already orders them across instances).
   */
  async handle(turn: InboundTurn): Promise<TurnOutcome> {
    const started = process.hrtime.bigint();
    const waitUntil = Date.now() + this.config.turnWaitMs;
    const address = turn.session;
    try {
      switch (address.kind) {
        case 'new':
          return await this.execute(
            await this.open(turn, address.userId ?? null, null, address.previewVersionId),
            turn,
            started,
          );
        case 'id':
          // In line by the lease itself: arrival order holds across instances.
          return await this.execute(
            await this.leaseById(turn, address.conversationId, waitUntil),
            turn,
            started,
          );
        case 'key': {
          const key = address.sessionKey ?? address.userId;
          const early = turn.earlyLease;
          const run = async (ahead?: EarlyLease) =>
            this.execute(
              await this.leaseByKey(turn, address.userId, key, waitUntil, ahead),
              turn,
              started,
            );
          // Its first try is made (in line by the lease from there): no queue to wait in.
          if (early && this.lease.heldFor(early, turn.chatbotId, turn.channel, key))
            return await run(early);
          return await this.queue.run(`${turn.chatbotId}:${turn.channel}:${key}`, run, waitUntil);
        }
      }
    } catch (err) {
      if (
        err instanceof QueueWaitTimeout ||
        (err instanceof TurnRefused && err.reason === 'busy')
      ) {
        this.metrics.turns.inc({ channel: turn.channel, outcome: 'busy' });
        throw new TurnRefused('busy');
      }
      throw err;
    }
  }

  /**
   * A key turn's first try at its lease, made in the statement of another module's write
   * `gate` (the inbox storing the message the turn will run) when the gate says go: a round
   * trip less per message. The turn is then given the early lease (InboundTurn.earlyLease);
   * whoever asked for it drops it if no turn took it over.
   */
  leaseAhead(
    gate: LeaseGate,
    session: { chatbotId: string; channel: string; key: string },
  ): Promise<{ go: boolean | null; early: EarlyLease | null }> {
    const waitUntil = Date.now() + this.config.turnWaitMs;
    return this.lease.tryByKeyAfter(
      gate,
      session.key,
      session.chatbotId,
      session.channel,
      waitUntil,
    );
  }

  /** Gives back an early lease no turn took over (leaseAhead). */
  dropEarlyLease(early: EarlyLease): Promise<void> {
    return this.lease.drop(early);
  }

  /** Closes a session, under its lease, so a turn in flight cannot reopen it. */
  async close(chatbotId: string, channel: string, id: string): Promise<void> {
    const { row, owner } = await this.leaseOrRefuse(id, chatbotId, channel);
    await this.conversations.release(row.id, owner, 'CLOSED');
    this.lease.released(row.id);
  }

  /**
   * Hands a conversation waiting for a human back to the bot, under its lease. Its session
   * timeout starts again now: a handoff does not expire, so one longer than the flow's
   * `session_timeout_minutes` left an `expires_at` in the past, and the conversation given
   * back was expired at once instead of going on where it was.
   */
  async releaseHandoff(chatbotId: string, id: string): Promise<boolean> {
    const { row, owner } = await this.leaseOrRefuse(id, chatbotId, null);
    let flow: CachedFlow | null;
    try {
      flow = row.flow_version_id ? await this.flows.get(row.flow_version_id) : null;
    } catch (err) {
      await this.conversations.release(row.id, owner);
      this.lease.released(row.id);
      throw err;
    }
    // No flow left: the next turn closes the conversation anyway (flow_gone).
    const expiresAt = flow
      ? new Date(Date.now() + flow.compiled.settings.session_timeout_minutes * 60_000)
      : null;
    const released = await this.conversations.releaseHandoff(row.id, owner, expiresAt);
    this.lease.released(row.id);
    return released;
  }

  private async leaseOrRefuse(id: string, chatbotId: string, channel: string | null) {
    const got = await this.lease.acquire(
      id,
      chatbotId,
      channel,
      Date.now() + this.config.turnWaitMs,
    );
    if (got.kind === 'missing') throw new TurnRefused('session_not_found');
    if (got.kind === 'timeout') throw new TurnRefused('busy');
    return got;
  }

  /** Opens a new session on the chatbot's published flow, already leased. */
  private async open(
    turn: InboundTurn,
    userId: string | null,
    sessionKey: string | null,
    previewVersionId?: string,
  ): Promise<Leased> {
    const id = newId();
    const owner = this.lease.newOwner();
    const now = new Date();
    const created = await this.conversations.create({
      id,
      chatbotId: turn.chatbotId,
      channel: turn.channel,
      userId: userId ?? id,
      contactName: turn.contactName ?? null,
      owner,
      leaseMs: LEASE_MS,
      now,
      sessionKey,
      previewVersionId,
    });
    if (!created) throw new TurnRefused('no_published_flow');
    const row: LeasedConversation = {
      id,
      chatbot_id: turn.chatbotId,
      channel: turn.channel,
      user_id: userId ?? id,
      contact_name: turn.contactName ?? null,
      status: 'ACTIVE',
      flow_version_id: created.flow_version_id,
      session: {},
      message_count: 0,
      expired: false,
      created_at: now,
      channel_state: null,
      session_key: sessionKey,
    };
    return { row, owner, start: true };
  }

  private async leaseById(turn: InboundTurn, id: string, waitUntil: number): Promise<Leased> {
    const got = await this.lease.acquire(id, turn.chatbotId, turn.channel, waitUntil);
    if (got.kind === 'missing') throw new TurnRefused('session_not_found');
    if (got.kind === 'timeout') throw new TurnRefused('busy');
    const state = availability(got.row);
    if (state !== 'open') {
      await this.conversations.release(
        got.row.id,
        got.owner,
        state === 'expired' ? 'EXPIRED' : undefined,
      );
      this.lease.released(got.row.id);
      throw new TurnRefused(state === 'expired' ? 'session_expired' : 'session_closed');
    }
    return { row: got.row, owner: got.owner, start: false };
  }

  /**
   * The user's open session for this key, or a new one at `start` when there is none or it
   * expired (refused instead for a key used `once`, see SessionAddress). Two instances
   * opening the same key at once: the unique index lets one win, and the other continues the
   * winner's session.
   */
  private async leaseByKey(
    turn: InboundTurn,
    userId: string,
    key: string,
    waitUntil: number,
    early?: EarlyLease,
  ): Promise<Leased> {
    const once = turn.session.kind === 'key' && turn.session.once === true;
    for (;;) {
      const got = early
        ? await this.lease.continueFrom(early, waitUntil)
        : await this.lease.acquireByKey(key, turn.chatbotId, turn.channel, waitUntil);
      early = undefined;
      if (got.kind === 'timeout') throw new TurnRefused('busy');
      if (got.kind === 'missing') {
        // Its one session is over (this may be a late retry of what ended it): the channel
        // decides what to answer, not a new session.
        const ended = once
          ? await this.conversations.lastByKey(turn.chatbotId, turn.channel, userId, key)
          : null;
        if (ended) throw new TurnRefused('session_closed', { channelState: ended.channel_state });
        try {
          return await this.open(turn, userId, key);
        } catch (err) {
          // No row: no published flow, or someone else just opened this key; look again.
          if (!(err instanceof TurnRefused) || err.reason !== 'no_published_flow') throw err;
          if ((await this.conversations.findOpenByKey(turn.chatbotId, turn.channel, key)) === null)
            throw err;
          continue;
        }
      }
      const state = availability(got.row);
      // Opened by a turn that never wrote it (its process died): it starts now, as if new.
      if (state === 'open') return { row: got.row, owner: got.owner, start: neverRan(got.row) };
      // Expired (or closed meanwhile): retire it, then open a fresh session for the key.
      await this.conversations.release(
        got.row.id,
        got.owner,
        state === 'expired' ? 'EXPIRED' : 'CLOSED',
      );
      this.lease.released(got.row.id);
      if (once)
        throw new TurnRefused(state === 'expired' ? 'session_expired' : 'session_closed', {
          channelState: got.row.channel_state,
        });
    }
  }

  private async execute(leased: Leased, turn: InboundTurn, started: bigint): Promise<TurnOutcome> {
    const { row, owner } = leased;
    const stopRenewing = this.lease.keepAlive(row.id, owner);
    try {
      const flow = await this.usableFlow(leased);
      if (turn.goto) return await this.runCommand(leased, turn, turn.goto, flow, started);
      const read =
        turn.channelState?.read && !leased.start
          ? turn.channelState.read(row.channel_state)
          : { kind: 'flow' as const, message: turn.message };
      if (read.kind === 'aside') return await this.aside(row, owner, read);
      return await this.runAndCommit(leased, { ...turn, message: read.message }, flow, started);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      await this.failTurn(leased, turn, err);
      throw new DomainError(
        ErrorCode.Internal,
        'Message processing failed',
        undefined,
        undefined,
        undefined,
        err,
      );
    } finally {
      stopRenewing();
      this.lease.released(row.id);
    }
  }

  /**
   * A turn commanded from outside (InboundTurn.goto): checked first, then run like any turn,
   * its messages sent the way a person's reply is. A refusal gives the lease back.
   */
  private async runCommand(
    leased: Leased,
    turn: InboundTurn,
    goto: NonNullable<InboundTurn['goto']>,
    flow: CachedFlow,
    started: bigint,
  ): Promise<TurnOutcome> {
    const { row, owner } = leased;
    let sends = turn.sends;
    const state = goto.state ?? (leased.start ? flow.compiled.start : undefined);
    try {
      if (state !== undefined && !flow.compiled.states.has(state))
        throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
          { path: 'state', message: `The flow has no state "${state}".` },
        ]);
      if (turn.onlyIf === 'handed_off' && !isHandedOff(row.status))
        throw new DomainError(
          ErrorCode.Conflict,
          `The conversation is ${row.status}, not waiting for a human.`,
        );
      if (turn.onlyIf === 'bot' && isHandedOff(row.status))
        throw new DomainError(
          ErrorCode.Conflict,
          `The conversation is ${row.status}: a person has it; answer through the conversation's messages route.`,
        );
      if (availability(row) !== 'open')
        throw new DomainError(ErrorCode.Conflict, 'The conversation has ended.');
      sends ??=
        (await this.channels.sendsFor(
          row.channel,
          replyTarget(row, {
            integrationId: turn.goto?.integrationId,
            onlyTemplates: turn.goto?.messages?.every((m) => m.type === 'template') === true,
          }),
        )) ?? undefined;
    } catch (err) {
      // A session opened for this command alone is not left behind empty.
      if (leased.start) await this.conversations.deleteLeased(row.id, owner);
      else await this.conversations.release(row.id, owner);
      throw err;
    }
    return this.runAndCommit(leased, { ...turn, sends, goto: { ...goto, state } }, flow, started);
  }

  private async runAndCommit(
    { row, owner, start }: Leased,
    turn: InboundTurn,
    flow: CachedFlow,
    started: bigint,
  ): Promise<TurnOutcome> {
    const session = 'state' in row.session ? (row.session as SessionState) : null;
    const contactName = turn.contactName ?? row.contact_name;
    const context: TurnContextInfo = {
      user_id: row.user_id,
      channel: row.channel,
      chatbot_id: row.chatbot_id,
      session_id: row.id,
      flow_name: flow.name,
      ...(contactName ? { contact_name: contactName } : {}),
      ...(turn.locale ? { locale: turn.locale } : {}),
    };
    const goto = turn.goto;
    const input: TurnInput | null = goto
      ? goto.state !== undefined
        ? { kind: 'goto', state: goto.state, variables: goto.variables, context }
        : null
      : turn.message && !start
        ? { kind: 'message', message: turn.message, context }
        : { kind: 'start', context };
    const result = input
      ? await runTurn(flow.compiled, start ? null : session, input, {
          http: this.http,
          clock: { now: () => new Date() },
          deadline: turn.deadline,
        })
      : stayed(session ?? EMPTY_SESSION, goto?.messages ?? [], goto?.variables);
    const now = new Date();
    const status = statusAfterTurn(result, row.status);
    // An outbound message's own text stands in for the state's messages.
    const replies = turn.goto?.messages ?? result.messages;
    const record = buildTurnRecord({
      messageCount: row.message_count,
      inbound: turn.message,
      outbound: replies,
      stateBefore: session?.state ?? null,
      stateAfter: result.session.state,
      status,
      timeoutMinutes: Math.max(
        flow.compiled.settings.session_timeout_minutes,
        (turn.keepOpenSeconds ?? 0) / 60,
      ),
      trace: turnTrace(turn.message, start, result.trace),
      deferredCalls: result.deferredCalls,
      sends: turn.sends,
      pushed: turn.goto !== undefined,
      now,
      newId,
    });
    const inbound = record.messages.find((m) => m.direction === 'inbound');
    const outbox = [
      ...record.outbox,
      ...turnEvents(
        {
          conversation: eventConversation(row),
          before: start ? null : row.status,
          after: status,
          stateAfter: result.session.state,
          handoffReason: result.handoffReason,
          inbound: inbound ? { id: inbound.id, message: inbound.message } : null,
          at: now,
        },
        newId,
      ),
    ];
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const sameState = session !== null && !start && result.session.state === session.state;
    const channelState = turn.channelState?.write(
      replies,
      status === 'ACTIVE',
      sameState ? row.channel_state : null,
    );
    const outboxClaim = outbox.length ? this.outbox.claimInCommit(row.chatbot_id, outbox) : null;
    const summary: TurnSummary = {
      conversationId: row.id,
      messages: replies,
      currentState: result.session.state,
      status,
    };
    const keyed = turn.idempotencyKey;
    const committed = await this.conversations.commitTurn({
      conversationId: row.id,
      owner,
      session: result.session,
      status,
      contactName: turn.contactName ?? null,
      messages: record.messages,
      lastPreview: record.lastPreview,
      expiresAt: record.expiresAt,
      now,
      trace: { ...record.trace, durationMs },
      outbox,
      inboxEventId: turn.inboxEventId ?? null,
      channelState,
      outboxClaim,
      idempotencyKey: keyed && {
        chatbotId: row.chatbot_id,
        key: keyed.key,
        owner: keyed.owner,
        answer: keyed.answer(summary),
      },
    });
    if (!committed.ok) throw await this.notCommitted(row, owner, turn);
    const stored = new Set(committed.storedOutboxIds);
    if (stored.size)
      this.outbox.afterCommit(
        outbox.filter((e) => stored.has(e.id)),
        committed.claimedOutboxIds,
        { chatbotId: row.chatbot_id, conversationId: row.id },
        outboxClaim,
      );
    this.metrics.turns.inc({ channel: row.channel, outcome: 'ok' });
    this.metrics.turnDuration.observe({ channel: row.channel }, durationMs / 1000);
    return { ...summary, createdAt: row.created_at, at: now, channelState };
  }

  /** The channel answered from its own state: keep it, release the lease, run no flow. */
  private async aside(
    row: LeasedConversation,
    owner: string,
    { state, repeat }: Extract<ChannelRead, { kind: 'aside' }>,
  ) {
    if (!(await this.conversations.releaseWithChannelState(row.id, owner, state)))
      throw await this.lostLease(row);
    this.metrics.turns.inc({ channel: row.channel, outcome: 'aside' });
    const session = 'state' in row.session ? (row.session as SessionState) : null;
    return {
      conversationId: row.id,
      messages: [],
      currentState: session?.state ?? null,
      status: row.status,
      createdAt: row.created_at,
      at: new Date(),
      channelState: state,
      aside: true,
      repeat: repeat === true,
    };
  }

  /**
   * The commit wrote nothing. A turn with an Idempotency-Key that still held its lease lost the
   * key instead: a retry took it over (this request had stopped renewing it) and runs in its
   * place, so this one gives the lease back for it and sends nothing.
   */
  private async notCommitted(
    row: LeasedConversation,
    owner: string,
    turn: InboundTurn,
  ): Promise<Error> {
    if (turn.idempotencyKey && (await this.conversations.release(row.id, owner)))
      return new DomainError(
        ErrorCode.Conflict,
        'A retry with this Idempotency-Key took this request over; this one sent nothing.',
      );
    return this.lostLease(row);
  }

  /** The lease was gone at commit: the conversation (or its chatbot) was deleted meanwhile. */
  private async lostLease(row: LeasedConversation): Promise<Error> {
    if (!(await this.conversations.exists(row.id, row.chatbot_id, null)))
      return new TurnRefused('chatbot_gone');
    return new Error('The session lease was lost before the turn was saved');
  }

  /**
   * The pinned flow version; a session whose flow was deleted is closed. A session being
   * opened whose flow was deleted between its pinning and here is removed instead, refused as
   * it would have been a moment later (no published flow), not as a closed session.
   */
  private async usableFlow({ row, owner, start }: Leased): Promise<CachedFlow> {
    const flow = row.flow_version_id ? await this.flows.get(row.flow_version_id) : null;
    if (flow) return flow;
    if (start) {
      await this.conversations.deleteLeased(row.id, owner);
      throw new TurnRefused('no_published_flow');
    }
    await this.conversations.release(row.id, owner, 'CLOSED');
    throw new TurnRefused('flow_gone');
  }

  /**
   * The engine failed unexpectedly: keep the user's message and leave the session as it was.
   * A session whose very first turn failed has nothing to continue from and is removed, so
   * nothing half-written is left behind. A turn of an inbox event marks it done with the
   * message kept: a retry would fail the same way and keep the message again. (When even this
   * write fails, the database is in trouble: the event stays pending and is tried again.)
   */
  private async failTurn({ row, owner, start }: Leased, turn: InboundTurn, err: unknown) {
    this.metrics.turns.inc({ channel: row.channel, outcome: 'error' });
    if (start) {
      await this.conversations.deleteLeased(row.id, owner).catch((e: unknown) => {
        this.logger.error({ err: e, conversation_id: row.id }, 'Could not remove a failed session');
      });
      return;
    }
    const session = 'state' in row.session ? (row.session as SessionState) : EMPTY_SESSION;
    const now = new Date();
    const record = buildTurnRecord({
      messageCount: row.message_count,
      inbound: turn.message,
      outbound: [],
      stateBefore: session.state,
      stateAfter: session.state,
      status: row.status,
      timeoutMinutes: 0,
      trace: [
        ...turnTrace(turn.message, false, []),
        { type: 'engine_error', error: err instanceof Error ? err.message : String(err) },
      ],
      deferredCalls: [],
      now,
      newId,
    });
    await this.conversations
      .commitTurn({
        conversationId: row.id,
        owner,
        session,
        status: row.status,
        contactName: null,
        messages: record.messages,
        lastPreview: record.lastPreview,
        expiresAt: null,
        now,
        trace: { ...record.trace, durationMs: 0 },
        outbox: [],
        inboxEventId: turn.inboxEventId ?? null,
      })
      .catch(() => this.conversations.release(row.id, owner));
  }
}

/**
 * A session whose first turn never committed: opened (CREATE_CONVERSATION_SQL's empty
 * session) by a turn whose process died before writing it, or whose commit was refused (its
 * Idempotency-Key taken over, see notCommitted).
 */
function neverRan(row: LeasedConversation): boolean {
  return !('state' in row.session) && row.status === 'ACTIVE' && row.message_count === 0;
}

/** A command that names no state on an open session: the flow does not run, it stays put. */
function stayed(
  session: SessionState,
  messages: GenericMessage[],
  variables: Record<string, unknown> = {},
): TurnResult {
  return {
    messages,
    session: { ...session, variables: { ...session.variables, ...variables } },
    trace: messages.map((m) => ({
      type: 'message_sent',
      state: session.state,
      message_type: m.type,
    })),
    deferredCalls: [],
    handoff: session.status === 'handoff',
    closed: false,
  };
}
