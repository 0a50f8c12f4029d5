import { compileCondition } from '../conditions/compile-condition';
import { FlowCompileError } from '../flow-compile-error';
import { CONTINUE, type ActionHandler, type ActionOutcome } from './action-handler';

function optionalTarget(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new FlowCompileError('invalid_action', 'a target must be a state name', path);
  return value;
}

/**
 * `CONDITION`: `{"if": <condition>, "then": "state_a", "else": "state_b"}` routes at once.
 * A missing branch (e.g. no `else`) means: carry on with the state's next action.
 */
export const conditionAction: ActionHandler = {
  type: 'CONDITION',
  compile(definition, path) {
    const test = compileCondition(definition.if, `${path}.if`);
    const then = optionalTarget(definition.then, `${path}.then`);
    const otherwise = optionalTarget(definition.else, `${path}.else`);
    if (then === undefined && otherwise === undefined) {
      throw new FlowCompileError('invalid_action', 'CONDITION needs "then" or "else"', path);
    }
    const targets = [
      ...(then ? [{ state: then, path: `${path}.then` }] : []),
      ...(otherwise ? [{ state: otherwise, path: `${path}.else` }] : []),
    ];
    return {
      type: 'CONDITION',
      targets,
      run(turn, _ports, index): ActionOutcome {
        const result = test(turn.variables);
        const to = result ? then : otherwise;
        turn.record({
          type: 'action',
          state: turn.state ?? '',
          action: 'CONDITION',
          index,
          outcome: result ? 'then' : 'else',
        });
        return to === undefined ? CONTINUE : { kind: 'route', to };
      },
    };
  },
};
