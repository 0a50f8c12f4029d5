import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { LOGGER } from '../../common/logger';
import { ConversationRepository } from '../../conversation/conversation.repository';
import { FlowCache } from '../../conversation/flow-cache';
import type { InboundTurn } from '../../conversation/inbound-turn';
import { TurnRefused, type TurnRefusal } from '../../conversation/turn-refused';
import { TurnService, type TurnOutcome } from '../../conversation/turn.service';
import { simpleScope } from '../../engine';
import { FlowsRepository } from '../../flows/flows.repository';
import {
  ussdGatewayOf,
  type UssdIntegrationConfig,
} from '../../integrations/types/ussd.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { ChannelIntegrations } from '../channel-integrations';
import { e164, ProviderRequestError } from '../provider-request';
import { readMenuReply, type MenuOption } from '../render/numbered-menu';
import {
  type GatewayInput,
  type GatewayReply,
  type UssdGateway,
  type UssdRequest,
  type UssdScreen,
} from './gateways/ussd-gateway';
import {
  isRetryOf,
  ownScreen,
  readUssdInput,
  readUssdState,
  shownScreen,
  ussdState,
  type UssdState,
} from './ussd-state';

const CHANNEL = 'ussd';

/** Said when the flow cannot answer at all (no published flow, an unexpected failure). */
const UNAVAILABLE = 'Sorry, this service is not available right now. Please try again later.';
/** Said on a deadline when the flow's own fallback message cannot be read in time. */
const DEFAULT_FALLBACK = "Sorry, we couldn't finish that in time. Please try again.";

/** The first screen of a dial from a number whose last session was cut off recently. */
const RESUME_OPTIONS: MenuOption[] = [
  { number: '1', id: 'continue', title: 'Continue where you left off' },
  { number: '2', id: 'restart', title: 'Start again' },
];
const RESUME_SCREEN = RESUME_OPTIONS.map((o) => `${o.number}. ${o.title}`).join('\n');

/**
 * Time kept back from the budget: the flow's API calls are cut off two reserves before the
 * reply is due (so the failure route still runs and the turn is saved), and a turn still
 * running one reserve before it is answered with the fallback message.
 */
const reserveMs = (budgetMs: number) => Math.min(300, Math.floor(budgetMs / 10));

/** Room for a screen's text: `max_screen_chars` less the gateway's prefix (`CON `). */
const screenChars = ({ config, gateway }: Call) =>
  config.max_screen_chars - (gateway.prefixChars ?? 0);

interface Call {
  chatbotId: string;
  config: UssdIntegrationConfig;
  gateway: UssdGateway;
  request: UssdRequest;
  userId: string;
  /** Epoch ms by which the gateway must have its reply. */
  deadline: number;
}

/**
 * The USSD channel (contract: channels.md › USSD): a gateway's request is parsed by its
 * gateway file, run as a turn of the session keyed by the gateway's session id, and answered
 * with one screen in the gateway's reply format, always within the integration's
 * `session_budget_ms`. Paging (`98`/`0`) and the options last shown live in the session's
 * channel state, read and written with the turn.
 */
@Injectable()
export class UssdChannelService {
  constructor(
    @Inject(ChannelIntegrations) private readonly integrations: ChannelIntegrations,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(FlowsRepository) private readonly flows: FlowsRepository,
    @Inject(FlowCache) private readonly flowCache: FlowCache,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(integrationId: string, token: string, input: GatewayInput): Promise<GatewayReply> {
    const arrived = Date.now();
    const row = await this.integrations.find(CHANNEL, integrationId, token);
    const config = row.config as UssdIntegrationConfig;
    const gateway = ussdGatewayOf(config);
    let request: UssdRequest;
    try {
      request = gateway.parse(input);
    } catch (err) {
      if (!(err instanceof ProviderRequestError)) throw err;
      this.count(gateway, 'bad_request');
      throw new DomainError(ErrorCode.ValidationFailed, `Invalid ${gateway.name} request.`, [
        { path: err.path, message: err.message },
      ]);
    }
    const call: Call = {
      chatbotId: row.chatbot_id,
      config,
      gateway,
      request,
      userId: e164(request.phone),
      deadline: arrived + config.session_budget_ms,
    };
    const screen = await this.answer(call);
    // Every screen, the channel's own sentences included, within the limit.
    return gateway.reply(request, { ...screen, text: ownScreen(screen.text, screenChars(call)) });
  }

  private async answer(call: Call): Promise<UssdScreen> {
    const { request, config } = call;
    if (request.event === 'end') return this.ended(call);
    if (config.resume_window_seconds > 0) {
      const resumed = await this.resumeStep(call);
      if (resumed) return resumed;
    }
    return this.turn(call);
  }

  /**
   * One turn of the flow (or a page of its last reply, or the last screen again for a
   * retry), answered within the budget. Where the gateway tells retries apart (a request's
   * `step`), its session id names one flow session only: a request for it after it ended is
   * read against the ended session first (endedSession).
   */
  private async turn(call: Call, once = call.request.step !== null): Promise<UssdScreen> {
    const { request, config } = call;
    const turn: InboundTurn = {
      chatbotId: call.chatbotId,
      channel: CHANNEL,
      session: { kind: 'key', userId: call.userId, sessionKey: request.sessionId, once },
      // A new session records what was typed (an unknown session's first input) and starts.
      message: request.event === 'input' ? readMenuReply(request.input, []) : null,
      deadline: call.deadline - 2 * reserveMs(config.session_budget_ms),
      // A session cut off mid-flow stays resumable for the whole window (channels.md › USSD),
      // even when the flow's own timeout is shorter.
      keepOpenSeconds: config.resume_window_seconds,
      channelState: {
        read: (stored) => readUssdInput(request, stored),
        write: (messages, open, waitedAgain) => ({
          ...ussdState(messages, screenChars(call), open, waitedAgain),
          step: request.step,
        }),
      },
    };
    const running = this.turns.handle(turn);
    let outcome: TurnOutcome | typeof TIMED_OUT;
    try {
      outcome = await raceUntil(running, call.deadline - reserveMs(config.session_budget_ms));
    } catch (err) {
      if (once && err instanceof TurnRefused && err.ended && ENDED.has(err.reason))
        return this.endedSession(call, err.ended.channelState);
      return this.failed(call, err);
    }
    if (outcome === TIMED_OUT) return this.outOfTime(call, running);
    return this.screenOf(call, outcome);
  }

  /**
   * The flow session of this gateway session id has ended (or expired): a retry of the
   * request that it last answered gets that screen again, as the end of the session it is;
   * anything else starts a new session as for a session id never seen.
   */
  private async endedSession(call: Call, channelState: unknown): Promise<UssdScreen> {
    const state = readUssdState(channelState);
    // Not a retry: as for a session id never seen (the ended session is left as it is).
    if (!state || !isRetryOf(state, call.request.step)) return this.turn(call, false);
    this.count(call.gateway, 'retry');
    return { text: shownScreen(state), end: true };
  }

  private screenOf(call: Call, outcome: TurnOutcome): UssdScreen {
    // USSD cannot wait for a person: a handed-off session ends the USSD session.
    const end = outcome.status !== 'ACTIVE';
    const paged = outcome.aside === true && !outcome.repeat && call.request.event === 'input';
    if (paged) this.metrics.ussdScreensPaged.inc({ gateway: call.gateway.name });
    this.count(call.gateway, outcome.repeat ? 'retry' : paged ? 'paged' : end ? 'end' : 'continue');
    return { text: shownScreen(outcome.channelState as UssdState), end };
  }

  /** A turn that failed: a clear END screen for the user, never a gateway error. */
  private failed(call: Call, err: unknown): UssdScreen {
    this.count(call.gateway, 'error');
    if (!(err instanceof TurnRefused))
      this.logger.error({ err, chatbot_id: call.chatbotId }, 'USSD turn failed');
    return { text: UNAVAILABLE, end: true };
  }

  /**
   * The budget ran out: answer END with the flow's fallback message now. The turn still
   * finishes and is saved; then the session is closed, or kept for resume.
   */
  private async outOfTime(call: Call, running: Promise<TurnOutcome>): Promise<UssdScreen> {
    this.count(call.gateway, 'deadline');
    const closeAfter = () => this.closeUnlessResumable(call);
    void running.then(closeAfter, closeAfter).catch((err: unknown) => {
      this.logger.warn({ err, chatbot_id: call.chatbotId }, 'USSD session after its deadline');
    });
    const text = await raceUntil(this.fallbackMessage(call.chatbotId), call.deadline - 20).catch(
      () => DEFAULT_FALLBACK,
    );
    return { text: typeof text === 'string' ? text : DEFAULT_FALLBACK, end: true };
  }

  private async fallbackMessage(chatbotId: string): Promise<string> {
    const versionId = await this.flows.publishedVersionId(chatbotId);
    const flow = versionId ? await this.flowCache.get(versionId) : null;
    if (!flow) return DEFAULT_FALLBACK;
    const text = flow.compiled.fallbackMessage.render(simpleScope(flow.compiled.initialVariables));
    return text.trim() === '' ? DEFAULT_FALLBACK : text;
  }

  /**
   * The gateway ended the session (the user hung up, or it timed out): close it, so a turn in
   * flight finishes first; with a resume window, keep it to be continued from a new dial.
   */
  private async ended(call: Call): Promise<UssdScreen> {
    this.count(call.gateway, 'closed');
    await this.closeUnlessResumable(call);
    return { text: '', end: true };
  }

  /** Closes the session of this gateway session id, under its lease; kept with a resume window. */
  private async closeUnlessResumable(call: Call): Promise<void> {
    if (call.config.resume_window_seconds > 0) return;
    const id = await this.conversations.findOpenByKey(
      call.chatbotId,
      CHANNEL,
      call.request.sessionId,
    );
    if (id) await this.close(call, id);
  }

  private async close(call: Call, id: string): Promise<void> {
    await this.turns.close(call.chatbotId, CHANNEL, id).catch((err: unknown) => {
      if (!(err instanceof TurnRefused)) throw err;
    });
  }

  /**
   * With a resume window: a dial from a number whose last session was cut off within it is
   * offered to continue it; the answer to that offer (the next input of this gateway
   * session, which has no flow session yet) continues it or starts again. Null: not a resume.
   */
  private async resumeStep(call: Call): Promise<UssdScreen | null> {
    const { request, config } = call;
    if (request.event === 'input') {
      const open = await this.conversations.findOpenByKey(
        call.chatbotId,
        CHANNEL,
        request.sessionId,
      );
      if (open) return null;
    }
    const previous = await this.conversations.findResumable(
      call.chatbotId,
      CHANNEL,
      call.userId,
      request.sessionId,
      config.resume_window_seconds,
    );
    if (!previous) return null;
    if (request.event === 'start') {
      this.count(call.gateway, 'resume_offer');
      return { text: RESUME_SCREEN, end: false };
    }
    const choice = readMenuReply(request.input, RESUME_OPTIONS);
    const chosen = choice.type === 'button' ? choice.button_id : null;
    if (chosen === null) return { text: RESUME_SCREEN, end: false };
    if (chosen === 'continue') {
      // Kept for another window from now; its step now counts in this gateway session.
      const moved = await this.conversations.moveKey(
        previous,
        request.sessionId,
        config.resume_window_seconds,
        { step: request.step },
      );
      // Gone meanwhile (expired, closed): a new session starts below.
      if (moved) {
        this.count(call.gateway, 'resumed');
        const state = moved.channel_state as UssdState | null;
        return { text: state ? shownScreen(state) : '', end: false };
      }
    } else {
      await this.close(call, previous);
    }
    return this.turn({ ...call, request: { ...request, event: 'start', input: '' } });
  }

  private count(gateway: UssdGateway, outcome: string): void {
    this.metrics.ussdTurns.inc({ gateway: gateway.name, outcome });
  }
}

const TIMED_OUT = Symbol('timed out');

/** The refusals of a turn for a session id whose flow session is over (SessionAddress.once). */
const ENDED: ReadonlySet<TurnRefusal> = new Set(['session_closed', 'session_expired']);

/** The promise's value, or TIMED_OUT at `until` (epoch ms) if it has not settled by then. */
async function raceUntil<T>(promise: Promise<T>, until: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, until - Date.now()));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
