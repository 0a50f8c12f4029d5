/**
 * Every channel's message limits, in one place: the validator warns with them and each
 * channel's renderer adapts messages to them. Over a limit is never an error in a flow (a
 * USSD menu of six options is normal): the channel adapts what it sends (contract:
 * `channels.md`).
 */

/** WhatsApp Cloud API interactive messages (characters are Unicode code points). */
export const WHATSAPP_LIMITS = {
  /** Reply buttons per message; 4–10 are sent as a list, more as numbered text. */
  maxButtons: 3,
  buttonTitle: 20,
  optionId: 256,
  /** Body text of an interactive (buttons or list) message. */
  interactiveBody: 1024,
  /** A plain text message. */
  text: 4096,
  caption: 1024,
  listButtonText: 20,
  /** List rows across all sections; more are sent as numbered text. */
  maxListRows: 10,
  maxListSections: 10,
  rowTitle: 24,
  rowDescription: 72,
  sectionTitle: 24,
} as const;

/** USSD screens: one screen per reply, paged past its size. */
export const USSD_LIMITS = {
  /** The common gateway maximum per screen; an integration may set its own. */
  screenChars: 182,
  /** The option that shows the next page, and the one that goes back. */
  moreOption: '98',
  backOption: '0',
} as const;

/** SMS segments: characters per message alone, and per part of a split message. */
export const SMS_LIMITS = {
  gsm7Single: 160,
  gsm7Part: 153,
  ucs2Single: 70,
  ucs2Part: 67,
} as const;
