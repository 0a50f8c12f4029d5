import type { GenericMessage } from '../engine';

/** What a channel's inbound payload means, once mapped (pure, no I/O). */
export interface InboundEnvelope {
  userId: string;
  contactName?: string;
  providerMessageId?: string;
  message: GenericMessage;
}

/**
 * Every channel adapter does two pure mappings: its native inbound payload to a
 * GenericMessage, and the turn's GenericMessages to its native outbound payload.
 * The conversation module runs the flow; the adapter never sees it.
 */
export interface ChannelAdapter<Inbound, Outbound> {
  readonly channel: string;
  toInbound(payload: Inbound): InboundEnvelope;
  toOutbound(messages: GenericMessage[]): Outbound;
}
