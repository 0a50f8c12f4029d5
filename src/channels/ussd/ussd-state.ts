import type { GenericMessage } from '../../engine';
import type { ChannelRead } from '../../conversation/inbound-turn';
import { foldToGsm } from '../render/gsm-text';
import {
  numberedMenu,
  readMenuReply,
  storedOptions,
  type MenuOption,
} from '../render/numbered-menu';
import type { UssdEvent } from './gateways/ussd-gateway';
import { pagingStep } from './render/ussd-paging';
import { lastScreen, ussdScreens } from './render/ussd-screens';

/** What the USSD channel keeps with a session: the last reply's screens and its options. */
export interface UssdState {
  screens: string[];
  page: number;
  options: MenuOption[];
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

/**
 * What a gateway request means for an open session: a dial repeated for it shows the screen
 * again, `98` and `0` page through the last reply, and anything else goes to the flow (a
 * number, title or id of an option shown meaning that option).
 */
export function readUssdInput(event: UssdEvent, input: string, stored: unknown): ChannelRead {
  const state = isUssdState(stored) ? stored : null;
  if (event === 'start' && state) return { kind: 'aside', state };
  const step = pagingStep(input, state);
  if (step.kind === 'page' && state) return { kind: 'aside', state: { ...state, page: step.page } };
  return { kind: 'flow', message: readMenuReply(input, state?.options ?? []) };
}
