import { compileAction } from '../actions/action-registry';
import { FlowCompileError } from '../flow-compile-error';
import { compileInput } from '../input/compile-input';
import { normaliseFlow } from '../normalise/normalise-flow';
import type { NormalisedState } from '../normalise/normalised-flow';
import { compileTemplate } from '../templates/compile-template';
import { collectChoices, compileMessages } from './compile-messages';
import { compileRule } from './compile-rules';
import type { CompiledFlow, CompiledRule, CompiledState } from './compiled-flow';

/**
 * Normalises a flow definition and compiles everything in it once: templates, regexes,
 * conditions and actions. The result is immutable; cache it per published version and reuse
 * it for every session and turn. Throws `FlowCompileError` when the definition cannot run
 * (unknown target state, bad template or regex, unknown or unsupported action…).
 */
export function compileFlow(definition: unknown): CompiledFlow {
  const normalised = normaliseFlow(definition);
  const states = new Map<string, CompiledState>();
  for (const state of normalised.states.values()) states.set(state.name, compileState(state));

  const checkTarget = (name: string, path: string): void => {
    if (!states.has(name))
      throw new FlowCompileError('unknown_state', `"${name}" is not a state`, path);
  };
  const globalRules = normalised.globalTransitions.map(compileRule).filter((rule) => !rule.always);
  for (const rule of globalRules) checkTarget(rule.to, rule.path);
  for (const [name, state] of states) {
    const source = normalised.states.get(name) as NormalisedState;
    for (const rule of [...state.replyRules, ...state.alwaysRules]) checkTarget(rule.to, rule.path);
    for (const action of state.actions)
      for (const t of action.targets) checkTarget(t.state, t.path);
    if (state.input?.onMaxRetries !== undefined)
      checkTarget(state.input.onMaxRetries, `${source.path}.input.on_max_retries`);
  }

  return Object.freeze({
    start: normalised.start,
    settings: Object.freeze({ ...normalised.settings }),
    fallbackMessage: compileTemplate(
      normalised.settings.fallback_message,
      'text',
      'settings.fallback_message',
    ),
    initialVariables: structuredClone(normalised.variables),
    globalRules,
    states,
    normalised,
  });
}

function compileState(state: NormalisedState): CompiledState {
  const rules: CompiledRule[] = state.transitions.map(compileRule);
  const replyRules = rules.filter((rule) => !rule.always);
  const compiled: CompiledState = {
    name: state.name,
    messages: compileMessages(state.messages, `${state.path}.message`),
    choices: collectChoices(state.messages, `${state.path}.message`),
    actions: state.actions.map(compileAction),
    replyRules,
    alwaysRules: rules.filter((rule) => rule.always),
    defaultTarget: replyRules.find((rule) => rule.isDefault)?.to,
    end: state.end,
  };
  if (state.input) compiled.input = compileInput(state.input);
  return compiled;
}
