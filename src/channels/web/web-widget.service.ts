import { Inject, Injectable } from '@nestjs/common';
import { ChatbotsService } from '../../chatbots/chatbots.service';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ConversationQueries } from '../../conversation/conversation-queries';
import type { IntegrationRow } from '../../integrations/integration-row';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import { SecretBox } from '../../integrations/crypto/secret-box';
import { openSecrets } from '../../integrations/types/open-secrets';
import {
  WIDGET_KEY_PATTERN,
  type WebIntegrationConfig,
  type WebSecrets,
} from '../../integrations/types/web.integration-type';
import type { SendMessageDto } from '../api/chat.dto';
import { ChatService } from '../api/chat.service';
import { RateLimiter } from './rate-limiter';
import {
  hashVisitorToken,
  newVisitorId,
  newVisitorToken,
  verifiedUserId,
  visitorTokenMatches,
} from './visitor-identity';
import type { CreateWidgetSessionDto } from './web-widget.dto';
import { originAllowed } from './web-origin';
import { WebSessionsRepository } from './web-sessions.repository';

export const WEB_CHANNEL = 'web';

/** A history page's size; the widget asks again with `after` while `has_more`. */
const HISTORY_PAGE = 200;

const NOT_FOUND = 'Widget session not found';

/** The integration a widget request is for, its origin checked. */
export interface WidgetRequest {
  integration: IntegrationRow;
  config: WebIntegrationConfig;
}

/**
 * The public widget API (web.md): sessions opened by a visitor of an allowed site, each
 * authorised afterwards by its visitor token (stored hashed). Turns are the Chat API's, on
 * channel `web`, with the visitor (or the site's signed user) as the user id.
 */
@Injectable()
export class WebWidgetService {
  /**
   * Per visitor session and per address: a visitor or a script cannot flood a bot. The
   * address limit is generous: many visitors share one address behind a mobile carrier's NAT.
   */
  private readonly perSession = new RateLimiter({ limit: 30, windowMs: 10_000 });
  private readonly perIp = new RateLimiter({ limit: 300, windowMs: 10_000 });

  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(WebSessionsRepository) private readonly sessions: WebSessionsRepository,
    @Inject(ChatService) private readonly chat: ChatService,
    @Inject(ConversationQueries) private readonly conversations: ConversationQueries,
    @Inject(ChatbotsService) private readonly chatbots: ChatbotsService,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  /**
   * The web integration behind a widget key, for a request from `origin`: 404 for an unknown
   * or rotated key, 403 for an origin it does not allow.
   */
  async resolve(widgetKey: string, origin: string | undefined): Promise<WidgetRequest> {
    const integration = WIDGET_KEY_PATTERN.test(widgetKey)
      ? (await this.integrations.findByAddress(WEB_CHANNEL, widgetKey))[0]
      : undefined;
    if (!integration) throw new DomainError(ErrorCode.NotFound, 'Widget not found');
    const config = integration.config as WebIntegrationConfig;
    if (!originAllowed(config.allowed_origins, origin))
      throw new DomainError(
        ErrorCode.Forbidden,
        origin
          ? `The origin ${origin} is not among this widget's allowed_origins.`
          : 'An Origin header is required: this widget only answers the sites it is on.',
      );
    return { integration, config };
  }

  /** 429 when the address or the session is over its limit. */
  limit(ip: string, sessionId?: string): void {
    const now = Date.now();
    const decision = this.perIp.take(ip, now);
    const refused = decision.ok && sessionId ? this.perSession.take(sessionId, now) : decision;
    if (!refused.ok)
      throw new DomainError(
        ErrorCode.RateLimited,
        'Too many messages; wait a moment and try again.',
        undefined,
        refused.retryAfterSeconds,
      );
  }

  /** What the widget draws before any session: the theme, the title defaulting to the bot's name. */
  async config({ integration, config }: WidgetRequest) {
    return {
      title: config.theme.title ?? (await this.chatbots.name(integration.chatbot_id)),
      primary_color: config.theme.primary_color,
      position: config.theme.position,
      start_open: config.start_open,
    };
  }

  async createSession({ integration }: WidgetRequest, dto: CreateWidgetSessionDto) {
    const visitorId = dto.visitor_id ?? newVisitorId();
    const secret = openSecrets<WebSecrets>(integration, this.box)?.identity_secret ?? null;
    const userId = verifiedUserId(secret, dto.user) ?? visitorId;
    const out = await this.chat.createSession(
      integration.chatbot_id,
      { user_id: userId },
      { channel: WEB_CHANNEL },
    );
    const token = newVisitorToken();
    await this.sessions.insert({
      conversation_id: out.session_id,
      integration_id: integration.id,
      visitor_id: visitorId,
      token_hash: hashVisitorToken(token),
    });
    return { ...out, visitor_id: visitorId, visitor_token: token };
  }

  async sendMessage(req: WidgetRequest, sessionId: string, token: string, dto: SendMessageDto) {
    await this.authorise(req, sessionId, token);
    return this.chat.sendMessage(req.integration.chatbot_id, sessionId, dto, WEB_CHANNEL);
  }

  /** The conversation so far (after message `after`), to redraw after a reload. */
  async history(req: WidgetRequest, sessionId: string, token: string, after: string | null) {
    await this.authorise(req, sessionId, token);
    const chatbotId = req.integration.chatbot_id;
    const [page, conversation] = await Promise.all([
      // Paged by message id (`after`); no cursor leaves, so the list tag only names it.
      this.conversations.messages(chatbotId, sessionId, {
        after,
        limit: HISTORY_PAGE,
        list: `web/${sessionId}/history`,
      }),
      this.conversations.get(chatbotId, sessionId),
    ]);
    return {
      data: page.items.map((m) => ({
        id: m.id,
        direction: m.direction,
        message: m.message,
        ...(m.responder ? { responder: m.responder } : {}),
        created_at: m.created_at,
      })),
      has_more: page.next_cursor !== null,
      status: conversation.status,
    };
  }

  /** 404 unless the session was opened by this widget and the token is its visitor's. */
  async authorise({ integration }: WidgetRequest, sessionId: string, token: string) {
    const row = await this.sessions.find(sessionId, integration.id);
    if (!row || !visitorTokenMatches(row.token_hash, token))
      throw new DomainError(ErrorCode.NotFound, NOT_FOUND);
    return row;
  }
}
