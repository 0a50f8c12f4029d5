import type { GenericMessage } from '../../engine';
import type { ChannelRead } from '../../conversation/inbound-turn';
import { foldToGsm } from '../render/gsm-text';
import {
  numberedMenu,
  readMenuReply,
  storedOptions,
  type MenuOption,
} from '../render/numbered-menu';
import type { UssdRequest } from './gateways/ussd-gateway';
import { pagingStep } from './render/ussd-paging';
import { lastScreen, ussdScreens } from './render/ussd-screens';

/** What the USSD channel keeps with a session: the last reply's screens and its options. */
export interface UssdState {
  screens: string[];
  page: number;
  options: MenuOption[];
  /** The step of the request this state answered (UssdRequest.step), to know its retry. */
  step?: string | null;
}

/**
 * A turn's messages as USSD screens: one text (options as `1. Title` lines, media as their
 * caption or file name), folded to GSM-friendly characters, paged to `maxChars`. A reply
 * that ends the session (`open` false) cannot be paged: it is cut to one screen.
 */
export function ussdState(
  messages: readonly GenericMessage[],
  maxChars: number,
  open = true,
  waitedAgain: unknown = null,
): UssdState {
  const menu = numberedMenu(messages);
  const text = foldToGsm(menu.text);
  const screens = open ? ussdScreens(text, maxChars) : [lastScreen(text, maxChars)];
  // A reply with no menu (the fallback) leaves the menu still waiting answerable by number.
  const options = menu.options.length > 0 ? menu.options : storedOptions(waitedAgain);
  return { screens, page: 0, options: open ? options : [] };
}

/** A text of the channel's own (the fallback, the resume offer) as one screen. */
export const ownScreen = (text: string, maxChars: number): string =>
  lastScreen(foldToGsm(text), maxChars);

/** The screen the user is on. */
export const shownScreen = (state: UssdState): string => state.screens[state.page] ?? '';

function isUssdState(value: unknown): value is UssdState {
  const v = value as UssdState | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    Array.isArray(v.screens) &&
    Array.isArray(v.options) &&
    Number.isInteger(v.page)
  );
}

/** The gateway sent the request this state answered again: it did not get the answer. */
export const isRetryOf = (state: UssdState, step: string | null): boolean =>
  step !== null && state.step === step;

/**
 * What a gateway request means for an open session: a retry of the last request and a dial
 * repeated for it show the screen again, `98` and `0` page through the last reply, and
 * anything else goes to the flow (a number, title or id of an option shown meaning that
 * option).
 */
export function readUssdInput(
  { event, input, step }: Pick<UssdRequest, 'event' | 'input' | 'step'>,
  stored: unknown,
): ChannelRead {
  const state = readUssdState(stored);
  if (state && isRetryOf(state, step)) return { kind: 'aside', state, repeat: true };
  if (event === 'start' && state) return { kind: 'aside', state };
  const paging = pagingStep(input, state);
  if (paging.kind === 'page' && state)
    return { kind: 'aside', state: { ...state, page: paging.page, step } };
  return { kind: 'flow', message: readMenuReply(input, state?.options ?? []) };
}

/** A stored state this version can read, else null (not trusted). */
export const readUssdState = (stored: unknown): UssdState | null =>
  isUssdState(stored) ? stored : null;
