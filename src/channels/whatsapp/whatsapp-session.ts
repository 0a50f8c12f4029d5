import { newId } from '../../common/new-id';
import type { GenericMessage } from '../../engine';
import type { ChannelRead } from '../../conversation/inbound-turn';
import type { OutboxEntry } from '../../outbox/outbox-entry';
import {
  numberedMenu,
  readMenuReply,
  storedOptions,
  type MenuOption,
} from '../render/numbered-menu';
import type { WhatsAppEvent, WhatsAppUserKind } from './whatsapp-events';
import { renderWhatsApp, sentAsNumberedText } from './whatsapp-render';

export const WHATSAPP_CHANNEL = 'whatsapp';

/** The inbox kinds of the WhatsApp channel, each with its handler in whatsapp-inbox.handlers.ts. */
export const WHATSAPP_INBOX = {
  message: 'whatsapp.message',
  status: 'whatsapp.status',
  userChanged: 'whatsapp.user_changed',
  echo: 'whatsapp.echo',
} as const;

/** The payload of a `whatsapp.message` inbox event: the message as the webhook read it. */
export type WhatsAppMessagePayload = Omit<
  Extract<WhatsAppEvent, { kind: 'message' }>,
  'kind' | 'phoneNumberId'
>;

/** One Graph API message to one user (outbox kind `whatsapp.send`). */
export interface WhatsAppSendPayload {
  integrationId: string;
  to: string;
  toKind: WhatsAppUserKind;
  /** The message part of the Graph request (see renderWhatsApp). */
  body: Record<string, unknown>;
  /** Image, video, document or audio: the next message waits for its `sent` status. */
  media: boolean;
  /** The stored messages this send carries: marked failed if it fails. */
  messageIds: string[];
  /** Whether its success marks them sent with its wamid (the last part of a split message). */
  records: boolean;
}

/** What the channel keeps with the session: the last inbound time and numbered options. */
export interface WhatsAppState {
  /** Epoch ms of the user's last message: the 24-hour window runs from it. */
  last_inbound_at: number;
  /** The options of a menu too long for WhatsApp, sent as numbered text. */
  options: MenuOption[];
}

/**
 * A user's session key: per integration (channels.md), so a user writing to two numbers of
 * one chatbot holds a conversation with each, answered from the number they wrote to.
 */
export const whatsappSessionKey = (integrationId: string, userId: string): string =>
  `${integrationId}:${userId}`;

/** What every session key of one integration starts with: its statuses and reactions' scope. */
export const whatsappKeyPrefix = (integrationId: string): string =>
  whatsappSessionKey(integrationId, '');

/** A phone number as the webhook reads it (`+digits`), or a business-scoped user id. */
const PHONE_USER = /^\+[0-9]{5,15}$/;
const BSUID_USER = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/**
 * The integration and user a session key names (whatsappSessionKey's inverse), with how the
 * Graph API addresses the user; null for a key of another form.
 */
export function readWhatsAppSessionKey(
  key: string | null,
): { integrationId: string; to: { userId: string; userKind: WhatsAppUserKind } } | null {
  const colon = key?.indexOf(':') ?? -1;
  if (!key || colon < 1) return null;
  const userId = key.slice(colon + 1);
  const userKind = PHONE_USER.test(userId) ? 'phone' : BSUID_USER.test(userId) ? 'bsuid' : null;
  if (!userKind) return null;
  return { integrationId: key.slice(0, colon), to: { userId, userKind } };
}

/** The polite answer to a message type the bot cannot read. */
export const UNSUPPORTED_REPLY = 'Sorry, I can only read text and buttons here.';

/** The user's input against the options last sent as numbered text: `3` selects the third. */
export function readWhatsAppInput(message: GenericMessage, stored: unknown): ChannelRead {
  const options = storedOptions(stored);
  if (message.type !== 'text' || options.length === 0) return { kind: 'flow', message };
  return { kind: 'flow', message: readMenuReply(message.text, options) };
}

/**
 * The state after a turn: the inbound time, and the options of a menu sent as text. A turn
 * that sent no menu keeps the options of one still waiting for an answer (`waitedAgain`: the
 * stored state when the flow stayed where it was, after a fallback or an error message).
 */
export function whatsappState(
  replies: readonly GenericMessage[],
  lastInboundAt: number,
  waitedAgain: unknown = null,
): WhatsAppState {
  let options: MenuOption[] = storedOptions(waitedAgain);
  for (const m of replies) {
    if (m.type !== 'buttons' && m.type !== 'list') continue;
    // The last menu decides: a numbered one is read by number, an interactive one by its ids.
    options = sentAsNumberedText(m) ? numberedMenu([m]).options : [];
  }
  return { last_inbound_at: lastInboundAt, options };
}

/**
 * The Graph API sends of a turn's replies, in order, to one user: each reply rendered within
 * WhatsApp's limits (one or more messages), all on the user's ordering key.
 */
export function whatsappSends(
  integrationId: string,
  to: { userId: string; userKind: WhatsAppUserKind },
  replies: readonly GenericMessage[],
  messageIds: readonly string[],
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  replies.forEach((reply, i) => {
    const parts = renderWhatsApp(reply);
    parts.forEach((part, n) =>
      entries.push(
        whatsappSend(integrationId, to, {
          body: part.body,
          media: part.media,
          messageIds: messageIds[i] ? [messageIds[i]] : [],
          records: n === parts.length - 1,
        }),
      ),
    );
  });
  return entries;
}

/** One send to one user, in order after every earlier one to them. */
export function whatsappSend(
  integrationId: string,
  to: { userId: string; userKind: WhatsAppUserKind },
  part: Pick<WhatsAppSendPayload, 'body' | 'media' | 'messageIds' | 'records'>,
): OutboxEntry {
  const payload: WhatsAppSendPayload = {
    integrationId,
    to: to.userId,
    toKind: to.userKind,
    ...part,
  };
  return {
    id: newId(),
    kind: 'whatsapp.send',
    orderingKey: `whatsapp:${integrationId}:${to.userId}`,
    payload,
    toUser: true,
  };
}
