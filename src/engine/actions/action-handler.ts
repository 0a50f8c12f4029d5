import type { EnginePorts } from '../runner/turn-types';
import type { TurnContext } from '../runner/turn-context';

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
  run(turn: TurnContext, ports: EnginePorts, index: number): ActionOutcome | Promise<ActionOutcome>;
}

/** One handler per action type, picked from the registry by `type`. */
export interface ActionHandler {
  readonly type: string;
  compile(definition: Record<string, unknown>, path: string): CompiledAction;
}
