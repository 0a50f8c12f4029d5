import { FLOW_LIMITS } from '../limits/flow-limits';
import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from './is-record';
import { normaliseInput } from './normalise-input';
import { normaliseMessages } from './normalise-messages';
import { normaliseTransitions } from './normalise-transitions';
import {
  DEFAULT_SETTINGS,
  type ActionDefinition,
  type FlowSettings,
  type NormalisedFlow,
  type NormalisedState,
} from './normalised-flow';
import { resolveStart } from './resolve-start';

interface RawState {
  name: string;
  path: string;
  body: Record<string, unknown>;
}

/**
 * Turns any accepted spelling of a conversation flow into `NormalisedFlow`
 * (flow-format.md): states as a map or as a list with `name`, start resolution, both
 * transition spellings and the message shorthands. Throws `FlowCompileError` for a
 * definition that cannot be read at all; target names are checked by `compileFlow`.
 */
export function normaliseFlow(definition: unknown): NormalisedFlow {
  if (!isRecord(definition))
    throw new FlowCompileError('invalid_definition', 'a flow must be a JSON object');
  const rawStates = readStates(definition.states);
  const states = new Map<string, NormalisedState>();
  for (const raw of rawStates) states.set(raw.name, normaliseState(raw));
  const start = resolveStart(
    definition.start,
    rawStates.map((s) => ({ name: s.name, initial: s.body.initial === true })),
  );
  const variables = definition.variables ?? {};
  if (!isRecord(variables))
    throw new FlowCompileError('invalid_definition', '"variables" must be an object', 'variables');
  return {
    start,
    settings: normaliseSettings(definition.settings),
    variables,
    globalTransitions: normaliseTransitions(definition.global_transitions, 'global_transitions'),
    states,
  };
}

function readStates(raw: unknown): RawState[] {
  const out: RawState[] = [];
  if (Array.isArray(raw)) {
    const seen = new Set<string>();
    raw.forEach((body, i) => {
      const path = `states[${i}]`;
      if (!isRecord(body))
        throw new FlowCompileError('invalid_definition', 'a state must be an object', path);
      if (typeof body.name !== 'string' || body.name === '')
        throw new FlowCompileError(
          'invalid_definition',
          'a state in a list needs "name"',
          `${path}.name`,
        );
      if (seen.has(body.name))
        throw new FlowCompileError(
          'invalid_definition',
          `duplicate state name "${body.name}"`,
          `${path}.name`,
        );
      seen.add(body.name);
      out.push({ name: body.name, path, body });
    });
  } else if (isRecord(raw)) {
    for (const [name, body] of Object.entries(raw)) {
      const path = `states.${name}`;
      if (!isRecord(body))
        throw new FlowCompileError('invalid_definition', 'a state must be an object', path);
      out.push({ name, path, body });
    }
  } else {
    throw new FlowCompileError('no_states', '"states" must be a map or a list of states', 'states');
  }
  if (out.length === 0) throw new FlowCompileError('no_states', 'the flow has no states', 'states');
  return out;
}

function normaliseState({ name, path, body }: RawState): NormalisedState {
  return {
    name,
    path,
    messages: normaliseMessages(body.message ?? body.messages, body.buttons, body.list, path),
    actions: normaliseActions(body.actions, `${path}.actions`),
    input: normaliseInput(body.input, `${path}.input`),
    transitions: normaliseTransitions(body.transitions, `${path}.transitions`),
    end: body.end === true,
  };
}

function normaliseActions(raw: unknown, path: string): ActionDefinition[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((action, i) => {
    const actionPath = Array.isArray(raw) ? `${path}[${i}]` : path;
    if (!isRecord(action) || typeof action.type !== 'string') {
      throw new FlowCompileError(
        'invalid_action',
        'an action must be an object with "type"',
        actionPath,
      );
    }
    return { type: action.type, definition: action, path: actionPath };
  });
}

function normaliseSettings(raw: unknown): FlowSettings {
  const settings: FlowSettings = { ...DEFAULT_SETTINGS };
  if (raw === undefined || raw === null) return settings;
  if (!isRecord(raw))
    throw new FlowCompileError('invalid_definition', '"settings" must be an object', 'settings');
  if (typeof raw.fallback_message === 'string') settings.fallback_message = raw.fallback_message;
  const num = (key: keyof FlowSettings): number | undefined => {
    const value = raw[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  // Fractional minutes are allowed (short timeouts are handy for tests and USSD-like flows).
  const timeout = num('session_timeout_minutes');
  if (timeout !== undefined && timeout > 0)
    settings.session_timeout_minutes = Math.min(timeout, FLOW_LIMITS.maxSessionTimeoutMinutes);
  const idle = num('handoff_idle_release_minutes');
  if (idle !== undefined && idle > 0)
    settings.handoff_idle_release_minutes = Math.min(idle, FLOW_LIMITS.maxSessionTimeoutMinutes);
  const retries = num('max_input_retries');
  if (retries !== undefined && retries >= 0)
    settings.max_input_retries = Math.min(Math.floor(retries), FLOW_LIMITS.maxInputRetries);
  const steps = num('max_auto_steps');
  if (steps !== undefined && steps >= 1)
    settings.max_auto_steps = Math.min(Math.floor(steps), FLOW_LIMITS.maxAutoSteps);
  return settings;
}
