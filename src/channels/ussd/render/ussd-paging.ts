import { USSD_LIMITS } from '../../../engine/limits/message-limits';

/** The screens of the last reply and the one the user is on. */
export interface PagedReply {
  screens: readonly string[];
  page: number;
}

/** What a typed input means while a paged reply is shown. */
export type PagingStep =
  /** Show this screen of the same reply (no flow step is taken). */
  | { kind: 'page'; page: number }
  /** The input is for the flow. */
  | { kind: 'turn' };

/**
 * `98` shows the next screen and `0` the previous one, only while there is one to show;
 * anything else (and `98`/`0` on a reply of one screen) goes to the flow.
 */
export function pagingStep(input: string, shown: PagedReply | null): PagingStep {
  if (shown === null || shown.screens.length < 2) return { kind: 'turn' };
  const typed = input.trim();
  if (typed === USSD_LIMITS.moreOption && shown.page < shown.screens.length - 1)
    return { kind: 'page', page: shown.page + 1 };
  if (typed === USSD_LIMITS.backOption && shown.page > 0)
    return { kind: 'page', page: shown.page - 1 };
  return { kind: 'turn' };
}
