/**
 * The one internal shape every accepted spelling of a flow definition is normalised to
 * (flow-format.md). Strings are still template sources here; `compileFlow` compiles them.
 * Every part keeps `path`, its location in the original document, for error messages.
 */

export interface FlowSettings {
  /** Sent when a reply matches nothing and there is no default (a template). */
  fallback_message: string;
  /** Failed replies (invalid input or no match) tolerated before `on_max_retries`. */
  max_input_retries: number;
  /** States one turn may enter without waiting for the user (loop guard). */
  max_auto_steps: number;
  /** Not used by the engine itself; kept for the conversation layer. */
  session_timeout_minutes: number;
  /**
   * A conversation with people and idle this long goes back to the bot (the conversation
   * layer's sweeper reads it from the stored version); absent: never.
   */
  handoff_idle_release_minutes?: number;
}

export const DEFAULT_SETTINGS: Readonly<FlowSettings> = {
  fallback_message: "Sorry, I didn't get that.",
  max_input_retries: 3,
  max_auto_steps: 25,
  session_timeout_minutes: 30,
};

/** A message after shorthands are applied: GenericMessage-shaped, its strings templates. */
export interface MessageDefinition {
  type: string;
  [field: string]: unknown;
}

export interface TransitionRule {
  to: string;
  /** Matches a pressed button/row with this id, or a typed id or title of that button. */
  button?: string;
  /** Matches a reply equal to one of these (case-, accent- and surrounding-space-insensitive). */
  keywords?: string[];
  regex?: string;
  /** A condition (see conditions/condition.ts), still raw. */
  when?: unknown;
  /** Checked on entering the state, after its actions, without waiting for a reply. */
  always: boolean;
  /** Where the rule's target is written, e.g. `states.menu.transitions[2].to`. */
  path: string;
}

export const INPUT_TYPES = [
  'text',
  'number',
  'integer',
  'email',
  'phone',
  'date',
  'time',
  'choice',
  'any',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export interface InputDefinition {
  type: InputType;
  save_to?: string;
  pattern?: string;
  min_length?: number;
  max_length?: number;
  /** Numbers for number/integer; ISO text (`2026-01-01`, `08:00`) for date/time. */
  min?: number | string;
  max?: number | string;
  error_message?: string;
  max_retries?: number;
  on_max_retries?: string;
  /** ISO 3166 alpha-2 country used to read national phone numbers. */
  default_country?: string;
  path: string;
}

export interface ActionDefinition {
  type: string;
  /** The action object as written (including `type`). */
  definition: Record<string, unknown>;
  path: string;
}

export interface NormalisedState {
  name: string;
  path: string;
  messages: MessageDefinition[];
  actions: ActionDefinition[];
  input?: InputDefinition;
  /** In order: first match wins. Map-form `default` is last. */
  transitions: TransitionRule[];
  end: boolean;
}

export interface NormalisedFlow {
  start: string;
  settings: FlowSettings;
  variables: Record<string, unknown>;
  globalTransitions: TransitionRule[];
  /** In document order. A Map, so a state may be called anything (even `__proto__`). */
  states: Map<string, NormalisedState>;
}
