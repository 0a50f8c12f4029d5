import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, ErrorCode } from '../common/domain-error';
import { LOGGER } from '../common/logger';
import { newId } from '../common/new-id';
import { ChannelReplies } from '../conversation/channel-replies';
import type { InboundTurn, TurnSummary } from '../conversation/inbound-turn';
import { TurnService } from '../conversation/turn.service';
import { parsePhone } from '../engine/input/parse-phone';
import { IntegrationsRepository } from '../integrations/integrations.repository';
import type { OutboundDto } from './outbound.dto';
import {
  OUTBOUND_RENEW_EVERY_MS,
  OutboundRequestsRepository,
} from './outbound-requests.repository';

const KEY = /^[\x21-\x7e]{1,255}$/;

export interface OutboundAnswer {
  conversation_id: string;
  status: string;
  current_state: string | null;
  messages: unknown[];
}

/**
 * A business writing first (http-api.md › Human agents and business-initiated messages): the
 * user's session on the integration's channel opens, or moves, at the named state, and that
 * state's messages (or the given message) go out the way a person's reply would, so a
 * WhatsApp window, an SMS opt-out or a USSD channel refuse it (409) before anything is
 * stored. With an Idempotency-Key, the same key within 24 hours sends nothing again and
 * answers as the first time: the turn that sends commits only while its request holds the
 * key, and answers the key in its commit. A request whose process died stops renewing its
 * hold, and a retry then takes the key over and runs the request again (nothing of it was
 * written, or the key would be answered).
 */
@Injectable()
export class OutboundService {
  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(ChannelReplies) private readonly channels: ChannelReplies,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(OutboundRequestsRepository) private readonly requests: OutboundRequestsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(
    chatbotId: string,
    dto: OutboundDto,
    key: string | undefined,
  ): Promise<{ replayed: boolean; answer: OutboundAnswer }> {
    if (key === undefined) return { replayed: false, answer: await this.deliver(chatbotId, dto) };
    if (!KEY.test(key))
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        {
          path: 'Idempotency-Key',
          message: 'Idempotency-Key must be 1 to 255 printable characters.',
        },
      ]);
    const hash = requestHash(dto);
    const owner = newId();
    const held = await this.requests.claim(chatbotId, key, hash, owner);
    if (held.kind !== 'claimed') {
      if (held.requestHash !== hash)
        throw new DomainError(
          ErrorCode.Conflict,
          'This Idempotency-Key was used with another request in the last 24 hours.',
        );
      if (held.kind === 'running')
        throw new DomainError(
          ErrorCode.Conflict,
          'A request with this Idempotency-Key is still running.',
          undefined,
          1,
        );
      return { replayed: true, answer: held.response as OutboundAnswer };
    }
    const stopRenewing = this.keepHeld(chatbotId, key, owner);
    try {
      const answer = await this.deliver(chatbotId, dto, { key, owner, answer: outboundAnswer });
      return { replayed: false, answer };
    } catch (err) {
      await this.requests.forget(chatbotId, key, owner);
      throw err;
    } finally {
      stopRenewing();
    }
  }

  /** Renews the request's hold on its key while it runs. */
  private keepHeld(chatbotId: string, key: string, owner: string): () => void {
    const timer = setInterval(() => {
      this.requests.renew(chatbotId, key, owner).catch((err: unknown) => {
        this.logger.warn({ err, chatbot_id: chatbotId }, 'Idempotency-Key renewal failed');
      });
    }, OUTBOUND_RENEW_EVERY_MS);
    return () => clearInterval(timer);
  }

  private async deliver(
    chatbotId: string,
    dto: OutboundDto,
    idempotencyKey?: InboundTurn['idempotencyKey'],
  ): Promise<OutboundAnswer> {
    const integration = await this.integrations.find(chatbotId, dto.integration_id);
    if (!integration) throw new DomainError(ErrorCode.NotFound, 'Integration not found');
    if (!parsePhone(dto.to))
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        { path: 'to', message: `${dto.to} is not a valid phone number.` },
      ]);
    if (dto.state === undefined && !dto.template && !dto.message)
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        { path: 'state', message: 'Give a state to enter, or a message or template to send.' },
      ]);
    if (dto.template && dto.message)
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        { path: 'template', message: 'Send either message or template, not both.' },
      ]);
    if (dto.template && integration.type !== 'whatsapp')
      throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
        {
          path: 'template',
          message: `Templates are WhatsApp's; this integration is of type ${integration.type}.`,
        },
      ]);
    const address = this.channels.addressFor(integration.type, integration.id, dto.to);
    const out = await this.turns.handle({
      chatbotId,
      channel: integration.type,
      session: { kind: 'key', userId: address.userId, sessionKey: address.sessionKey },
      message: null,
      ...(address.stateAfter ? { channelState: { write: address.stateAfter } } : {}),
      goto: {
        state: dto.state,
        variables: dto.variables,
        messages: dto.template
          ? [{ type: 'template', ...dto.template }]
          : dto.message
            ? [{ type: 'text', text: dto.message.text }]
            : undefined,
        integrationId: integration.id,
      },
      onlyIf: 'bot',
      idempotencyKey,
    });
    return outboundAnswer(out);
  }
}

/** What tells two requests with one Idempotency-Key apart: a hash of the body. */
export function requestHash(dto: object): string {
  return createHash('sha256').update(JSON.stringify(dto)).digest('hex');
}

function outboundAnswer(turn: TurnSummary): OutboundAnswer {
  return {
    conversation_id: turn.conversationId,
    status: turn.status,
    current_state: turn.currentState,
    messages: turn.messages,
  };
}
