import { checkActions } from './check-actions';
import { checkInput } from './check-input';
import { checkMessage } from './check-message';
import { checkShorthands } from './check-shorthands';
import { checkTransitions } from './check-transitions';
import type { RawState } from './collect-states';
import { emptyStateFacts, type StateFacts } from './flow-facts';
import { childPath, show } from './json-path';
import { emptyMessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

export const STATE_FIELDS = [
  'name',
  'description',
  'initial',
  'end',
  'message',
  'messages',
  'buttons',
  'list',
  'actions',
  'input',
  'transitions',
];

/**
 * Checks one state, field by field in a fixed order (flags, message and its shorthands,
 * actions, input, transitions, then unknown fields), and returns what it learnt.
 */
export function checkState(raw: RawState, ctx: ScanContext): StateFacts {
  const facts = emptyStateFacts(raw.name, raw.path, raw.bucket);
  ctx.state = facts;
  ctx.issues.setBucket(raw.bucket);
  const state = raw.value;
  if (state === null) {
    // Already reported as not an object; treat it as an end state so it draws no routing noise.
    facts.end = true;
    return facts;
  }
  const at = (key: string): string => childPath(raw.path, key);

  if (
    state.name !== undefined &&
    typeof state.name === 'string' &&
    state.name !== raw.name &&
    !raw.fromList
  ) {
    ctx.issues.warn(
      at('name'),
      `"name" ${show(state.name)} differs from the state's key "${raw.name}"; the key is used.`,
    );
  }
  for (const flag of ['initial', 'end']) {
    if (state[flag] !== undefined && typeof state[flag] !== 'boolean') {
      ctx.issues.error(at(flag), `"${flag}" must be true or false, not ${show(state[flag])}.`);
    }
  }
  facts.end = state.end === true;
  if (state.description !== undefined && typeof state.description !== 'string') {
    ctx.issues.error(
      at('description'),
      `"description" must be a string, not ${show(state.description)}.`,
    );
  }

  const messageKey =
    state.message === undefined && state.messages !== undefined ? 'messages' : 'message';
  const offered =
    state[messageKey] === undefined
      ? emptyMessageSummary()
      : checkMessage(state[messageKey], at(messageKey), ctx);
  if (state.message !== undefined && state.messages !== undefined) {
    ctx.issues.warn(
      at('messages'),
      '"messages" is ignored because "message" is set; use one of them.',
    );
  }
  checkShorthands(state, raw.path, ctx, offered);
  const actions =
    state.actions === undefined ? [] : checkActions(state.actions, at('actions'), ctx);
  for (const summary of actions) offered.optionIds.push(...summary.optionIds);
  const actionCount = Array.isArray(state.actions)
    ? state.actions.length
    : state.actions === undefined
      ? 0
      : 1;
  if (state.input !== undefined) checkInput(state.input, at('input'), ctx, offered, actionCount);

  const transitions = checkTransitions(state.transitions, at('transitions'), ctx);
  facts.hasTransitions = transitions.present;
  facts.hasDefault = transitions.hasDefault;
  facts.hasAlways = transitions.hasAlways;
  for (const ref of transitions.buttonRefs) {
    if (!offered.optionIds.includes(ref.id)) {
      ctx.issues.warn(
        ref.path,
        `No button or list row with id "${ref.id}" in this state's messages; only a typed "${ref.id}" can match.`,
      );
    }
  }
  if (facts.end && transitions.present) {
    ctx.issues.warn(
      at('transitions'),
      `State "${raw.name}" has "end": true, so the session closes and its transitions are never used.`,
    );
  }
  warnUnknownFields(state, STATE_FIELDS, raw.path, `state "${raw.name}"`, ctx.issues);
  return facts;
}
