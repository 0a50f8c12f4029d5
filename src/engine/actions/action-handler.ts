import type { GenericMessage } from '../generic-message';
import type { ApiCallRequest } from '../ports';
import type { TraceEvent } from '../runner/trace-event';
import type { EnginePorts, SessionStatus, TurnContextInfo } from '../runner/turn-types';
import type { ValueRenderer } from '../templates/compile-value';
import type { RenderScope } from '../templates/render-scope';

/**
 * What an action may see and do of the turn it runs in (the runner's TurnContext provides
 * it). Declared here, so that actions, the compiled flow and the turn do not import each
 * other in a circle.
 */
export interface ActionTurn {
  readonly info: TurnContextInfo;
  /** The user's message of this turn (absent on a start turn). */
  readonly inbound: GenericMessage | undefined;
  readonly variables: Record<string, unknown>;
  readonly state: string | null;
  status: SessionStatus;
  /** The rendered reason of the HANDOFF run this turn, for the turn's result. */
  handoffReason: string | undefined;
  readonly deferredCalls: ApiCallRequest[];
  readonly scope: RenderScope;
  setVariable(path: string, value: unknown): boolean;
  mergeVariables(values: Record<string, unknown>): void;
  record(event: TraceEvent): void;
  send(message: GenericMessage): void;
  sendRendered(renderers: readonly ValueRenderer[]): void;
  /** True when the flow has a state of this name. */
  hasState(name: string): boolean;
}

/** What an action tells the runner to do next. */
export type ActionOutcome =
  /** Run the next action of the state. */
  | { kind: 'continue' }
  /** Run the next action; once the state's actions are done, follow its default transition. */
  | { kind: 'continue_then_default' }
  /** Leave the state at once for `to` (the rest of the state is skipped). */
  | { kind: 'route'; to: string }
  /** Stop the turn here (handoff). */
  | { kind: 'halt' };

export const CONTINUE: ActionOutcome = Object.freeze({ kind: 'continue' });

/** An action compiled once with its flow. */
export interface CompiledAction {
  readonly type: string;
  /** State names this action may route to, with their paths, checked by compileFlow. */
  readonly targets: ReadonlyArray<{ state: string; path: string }>;
  run(turn: ActionTurn, ports: EnginePorts, index: number): ActionOutcome | Promise<ActionOutcome>;
}

/** One handler per action type, picked from the registry by `type`. */
export interface ActionHandler {
  readonly type: string;
  compile(definition: Record<string, unknown>, path: string): CompiledAction;
}
