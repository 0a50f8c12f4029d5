import fc from 'fast-check';
import { childPath } from '../../engine/validator/json-path';
import { parseIssuePath } from './issue-path';

describe('parseIssuePath', () => {
  it.each<[string, Array<string | number>]>([
    ['', []],
    ['start', ['start']],
    ['states.menu.transitions.balance', ['states', 'menu', 'transitions', 'balance']],
    ['states.menu.buttons[1].id', ['states', 'menu', 'buttons', 1, 'id']],
    ['states[3].input.pattern', ['states', 3, 'input', 'pattern']],
    ['global_transitions[0].to', ['global_transitions', 0, 'to']],
    ['states["my state"].message', ['states', 'my state', 'message']],
    ['states["a.b"]["x]y"]', ['states', 'a.b', 'x]y']],
    ['states["say \\"hi\\""]', ['states', 'say "hi"']],
    ['states.404.to', ['states', '404', 'to']],
    ['states.$a-b_c', ['states', '$a-b_c']],
  ])('reads %j', (path, segments) => {
    expect(parseIssuePath(path)).toEqual(segments);
  });

  it.each(['states..a', 'states.', '.states', 'states[x]', 'states["a"', 'states[1', 'a b'])(
    'refuses %j',
    (path) => {
      expect(parseIssuePath(path)).toBeNull();
    },
  );

  it("reads back every path the server's childPath writes", () => {
    const segment = fc.oneof(fc.string({ maxLength: 8 }), fc.nat({ max: 50 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        // childPath writes a first numeric segment as `[n]` and every key in some form.
        const path = segments.reduce<string>((base, s) => childPath(base, s), '');
        expect(parseIssuePath(path)).toEqual(segments);
      }),
      { numRuns: 300 },
    );
  });
});
