import type { ChannelRead } from '../../conversation/inbound-turn';
import type { GenericMessage } from '../../engine';
import { foldToGsm } from '../render/gsm-text';
import {
  numberedMenu,
  readMenuReply,
  storedOptions,
  type MenuOption,
} from '../render/numbered-menu';

/** Words that put a number on the opt-out list (besides the integration's own), and off it. */
export const OPT_OUT_WORDS = ['STOP', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL', 'OPTOUT'];
export const OPT_IN_WORDS = ['START'];

export const OPTED_OUT_REPLY =
  'You will get no more messages from us. Reply START to subscribe again.';
export const OPTED_IN_REPLY = 'You are subscribed again. Reply STOP to stop.';

/** A whole message that is an opt-out or opt-in word (any case, around spaces and dots). */
export function keywordOf(text: string, extra: readonly string[]): 'opt_out' | 'opt_in' | null {
  const word = text
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  if (OPT_IN_WORDS.includes(word)) return 'opt_in';
  if (OPT_OUT_WORDS.includes(word) || extra.some((w) => w.toUpperCase() === word)) return 'opt_out';
  return null;
}

/** What the SMS channel keeps with a session: the options of the last reply, and its route. */
export interface SmsState {
  options: MenuOption[];
  /**
   * The integration the user's last message came through: a person's reply leaves by it
   * (the session key is the number alone). Absent in states kept before it was.
   */
  integration_id?: string;
}

/** The reply of a turn as one SMS text: options as `1. Title` lines, GSM-friendly characters. */
export const smsText = (messages: readonly GenericMessage[]): string =>
  foldToGsm(numberedMenu(messages).text);

/**
 * What the SMS channel keeps after a turn: the options of its menu, or, when it sent none,
 * those of the menu still waiting for an answer (`waitedAgain`, as WhatsApp's).
 */
export function smsState(
  messages: readonly GenericMessage[],
  integrationId: string,
  waitedAgain: unknown = null,
): SmsState {
  const { options } = numberedMenu(messages);
  return {
    options: options.length > 0 ? options : storedOptions(waitedAgain),
    integration_id: integrationId,
  };
}

/** The integration a reply outside a turn goes through: the last inbound's; null when unknown. */
export function smsReplyIntegration(stored: unknown): string | null {
  const id = (stored as Partial<SmsState> | null)?.integration_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** A typed reply read against the options last sent: `1`, a title or an id selects. */
export function readSmsInput(text: string, stored: unknown): ChannelRead {
  return { kind: 'flow', message: readMenuReply(text, storedOptions(stored)) };
}
