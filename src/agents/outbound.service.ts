import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ChannelReplies } from '../conversation/channel-replies';
import { TurnService } from '../conversation/turn.service';
import { parsePhone } from '../engine/input/parse-phone';
import { IntegrationsRepository } from '../integrations/integrations.repository';
import type { OutboundDto } from './outbound.dto';
import { OutboundRequestsRepository } from './outbound-requests.repository';

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
 * answers as the first time.
 */
@Injectable()
export class OutboundService {
  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(ChannelReplies) private readonly channels: ChannelReplies,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(OutboundRequestsRepository) private readonly requests: OutboundRequestsRepository,
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
    const hash = createHash('sha256').update(JSON.stringify(dto)).digest('hex');
    const held = await this.requests.claim(chatbotId, key, hash);
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
    try {
      const answer = await this.deliver(chatbotId, dto);
      await this.requests.answer(chatbotId, key, answer);
      return { replayed: false, answer };
    } catch (err) {
      await this.requests.forget(chatbotId, key);
      throw err;
    }
  }

  private async deliver(chatbotId: string, dto: OutboundDto): Promise<OutboundAnswer> {
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
    });
    return {
      conversation_id: out.conversationId,
      status: out.status,
      current_state: out.currentState,
      messages: out.messages,
    };
  }
}
