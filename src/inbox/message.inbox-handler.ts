import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { InboundTurn } from '../conversation/inbound-turn';
import { TurnRefused } from '../conversation/turn-refused';
import { TurnService, type TurnOutcome } from '../conversation/turn.service';
import type { GenericMessage } from '../engine';
import { InboxEventRejected, type InboxEvent, type InboxHandler } from './inbox-event';
import { InboxHandlers } from './inbox-handlers';

/** The payload of a `message` event, as a channel's inbound mapper writes it. */
export interface InboundMessagePayload {
  userId: string;
  /** The USSD gateway's session id; absent when the user is the session key. */
  sessionKey?: string;
  message: GenericMessage;
  contactName?: string | null;
  locale?: string;
}

/** `message` events become turns through the one turn entry, by the user's session key. */
@Injectable()
export class MessageInboxHandler implements InboxHandler, OnModuleInit {
  readonly kind = 'message';

  constructor(
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(InboxHandlers) private readonly handlers: InboxHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async handle(event: InboxEvent): Promise<'committed' | undefined> {
    const p = event.payload as InboundMessagePayload;
    const turn: InboundTurn = {
      chatbotId: event.chatbotId,
      channel: event.channel,
      session: { kind: 'key', userId: p.userId, sessionKey: p.sessionKey },
      message: p.message,
      contactName: p.contactName ?? null,
      locale: p.locale,
      inboxEventId: event.id,
      earlyLease: event.earlyLease,
    };
    // A turn marks its event done in its commit; an answer aside from the flow does not.
    const outcome = await inboxTurn(this.turns, turn);
    return outcome.aside ? undefined : 'committed';
  }
}

/**
 * Runs an inbox event's turn. A busy session throws as it is (the event is retried later);
 * any other refusal will not change on a retry and fails the event at once.
 */
export async function inboxTurn(turns: TurnService, turn: InboundTurn): Promise<TurnOutcome> {
  try {
    return await turns.handle(turn);
  } catch (err) {
    if (err instanceof TurnRefused && err.reason !== 'busy')
      throw new InboxEventRejected(err.detail);
    throw err;
  }
}
