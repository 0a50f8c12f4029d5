import type { CompiledFlow } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import { enterStates } from './enter-states';
import { handleReply } from './handle-reply';
import { TurnContext } from './turn-context';
import type { EnginePorts, SessionState, TurnInput, TurnResult } from './turn-types';

/**
 * Runs one turn of a conversation: the only place a flow is executed.
 *
 * - No session, a `start` input, or a closed session: a fresh session (variables from the
 *   flow) enters `start`; an inbound message that started it only sets `last_input`.
 * - A session waiting for a human (status `handoff`): no bot reply, session unchanged.
 * - `goto` (from outside): the session (a fresh one when there is none) enters that state,
 *   the bot's again, with the given variables set first.
 * - Otherwise the message is handled in the current state (see handleReply).
 *
 * Never mutates `session`; never throws for template errors or failed API calls (they are
 * traced). The built-in variables are refreshed from `input.context` on every turn.
 */
export async function runTurn(
  flow: CompiledFlow,
  session: SessionState | null,
  input: TurnInput,
  ports: EnginePorts,
): Promise<TurnResult> {
  if (session !== null && session.status === 'handoff' && input.kind === 'message') {
    return {
      messages: [],
      session: { ...session, variables: { ...session.variables } },
      trace: [{ type: 'ignored', reason: 'handoff' }],
      deferredCalls: [],
      handoff: true,
      closed: false,
    };
  }

  const fresh = session === null || input.kind === 'start' || session.status === 'closed';
  // A command from outside gives the conversation back to the bot.
  const status = input.kind === 'goto' ? 'active' : session?.status;
  const turn = fresh
    ? new TurnContext(
        flow,
        input.context,
        structuredClone(flow.initialVariables),
        null,
        0,
        'active',
      )
    : new TurnContext(
        flow,
        input.context,
        { ...session.variables },
        session.state,
        input.kind === 'goto' ? 0 : session.retries,
        status ?? session.status,
      );

  setBuiltIns(turn, input);
  if (input.kind === 'goto') {
    if (fresh) turn.record({ type: 'session_started', start: input.state });
    turn.mergeVariables(input.variables ?? {});
    await enterStates(turn, input.state, 'goto', ports);
  } else if (fresh) {
    turn.record({ type: 'session_started', start: flow.start });
    await enterStates(turn, flow.start, 'start', ports);
  } else if (input.kind === 'message') {
    await handleReply(turn, input.message, ports);
  }

  return {
    messages: turn.messages,
    session: {
      state: turn.state,
      variables: turn.variables,
      retries: turn.retries,
      status: turn.status,
    },
    trace: turn.trace,
    deferredCalls: turn.deferredCalls,
    handoff: turn.status === 'handoff',
    ...(turn.handoffReason !== undefined ? { handoffReason: turn.handoffReason } : {}),
    closed: turn.status === 'closed',
  };
}

/** `contact_name user_id channel chatbot_id session_id last_input locale` (flow-format.md). */
function setBuiltIns(turn: TurnContext, input: TurnInput): void {
  const { context } = input;
  const vars = turn.variables;
  vars.user_id = context.user_id;
  vars.channel = context.channel;
  vars.chatbot_id = context.chatbot_id;
  vars.session_id = context.session_id;
  if (context.contact_name !== undefined) vars.contact_name = context.contact_name;
  if (context.locale !== undefined) vars.locale = context.locale;
  if (input.kind === 'message') {
    turn.inbound = input.message;
    vars.last_input = describeReply(input.message);
  }
}

/**
 * `last_input` is always text: what was typed or the pressed button's title; for a location
 * `lat,lng`; for media its caption (or ''). The full message is saved by `any` input.
 */
export function describeReply(message: GenericMessage): string {
  switch (message.type) {
    case 'text':
    case 'button':
      return message.text;
    case 'location':
      return `${message.latitude},${message.longitude}`;
    case 'image':
    case 'video':
    case 'document':
      return message.media_caption ?? '';
    case 'buttons':
    case 'list':
      return message.text;
    case 'audio':
    case 'sticker':
      return '';
    case 'template':
      return message.text ?? '';
  }
}
