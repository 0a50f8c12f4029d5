import type { SafeRegex } from '../regex/safe-regex';
import type { CompiledAction } from '../actions/action-handler';
import type { ConditionFn } from '../conditions/condition';
import type { CompiledInput } from '../input/compiled-input';
import type { FlowSettings, NormalisedFlow } from '../normalise/normalised-flow';
import type { Template } from '../templates/compile-template';
import type { ValueRenderer } from '../templates/compile-value';

/** A button or list row of a state's messages, kept for matching typed titles. */
export interface CompiledChoice {
  id: Template;
  title: Template;
}

export interface CompiledRule {
  to: string;
  always: boolean;
  /** True when the rule has no criteria: it matches any reply. */
  isDefault: boolean;
  button?: { id: string; normalisedId: string };
  keywords?: ReadonlySet<string>;
  regex?: SafeRegex;
  when?: ConditionFn;
  path: string;
}

export interface CompiledState {
  name: string;
  /** Each renders one GenericMessage. */
  messages: ValueRenderer[];
  choices: CompiledChoice[];
  actions: CompiledAction[];
  input?: CompiledInput;
  /** Rules checked against a reply, in order. */
  replyRules: CompiledRule[];
  /** Rules checked on entering, after the actions. */
  alwaysRules: CompiledRule[];
  /** Target of the first criteria-less reply rule: where an unrouted API_CALL goes. */
  defaultTarget?: string;
  end: boolean;
}

/**
 * A flow ready to run: normalised, every template, regex and condition compiled once.
 * Immutable and shareable by any number of sessions and turns (cache it per published version).
 */
export interface CompiledFlow {
  readonly start: string;
  readonly settings: Readonly<FlowSettings>;
  readonly fallbackMessage: Template;
  /** Initial variables of every new session (deep-copied for each). */
  readonly initialVariables: Readonly<Record<string, unknown>>;
  readonly globalRules: readonly CompiledRule[];
  readonly states: ReadonlyMap<string, CompiledState>;
  readonly normalised: NormalisedFlow;
}
