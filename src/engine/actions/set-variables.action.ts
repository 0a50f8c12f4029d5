import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from '../normalise/is-record';
import { compileValue } from '../templates/compile-value';
import { parsePath } from '../templates/read-path';
import { CONTINUE, type ActionHandler } from './action-handler';

/**
 * `SET_VARIABLES`: `{"set": {"total": "{{variables.order.total}}", "tries": 0}}`. Keys are
 * paths (`order.note` writes inside `order`); a value that is exactly one `{{path}}` keeps its
 * JSON type. Entries are applied in order, so a later value can read an earlier one.
 */
export const setVariablesAction: ActionHandler = {
  type: 'SET_VARIABLES',
  compile(definition, path) {
    const set = definition.set ?? definition.variables;
    if (!isRecord(set))
      throw new FlowCompileError(
        'invalid_action',
        'SET_VARIABLES needs a "set" object',
        `${path}.set`,
      );
    const entries = Object.entries(set).map(([key, value]) => {
      const target = key.startsWith('variables.') ? key.slice('variables.'.length) : key;
      if (parsePath(target) === null)
        throw new FlowCompileError(
          'invalid_action',
          `"${key}" cannot be written`,
          `${path}.set.${key}`,
        );
      return { target, render: compileValue(value, 'value', `${path}.set.${key}`) };
    });
    return {
      type: 'SET_VARIABLES',
      targets: [],
      run(turn, _ports, index) {
        for (const { target, render } of entries) turn.setVariable(target, render(turn.scope));
        turn.record({
          type: 'action',
          state: turn.state ?? '',
          action: 'SET_VARIABLES',
          index,
          outcome: 'set',
          detail: { names: entries.map((e) => e.target) },
        });
        return CONTINUE;
      },
    };
  },
};
