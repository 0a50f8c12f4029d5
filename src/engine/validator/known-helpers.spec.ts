import { TEMPLATE_HELPERS, URL_SEGMENT_HELPER } from '../templates/template-helpers';
import { CONTEXT_KEEPING_BLOCKS, KNOWN_HELPERS } from './known-helpers';

describe('known helpers', () => {
  it('lists the engine helpers, then the Handlebars built-ins', () => {
    expect([...KNOWN_HELPERS]).toEqual([
      ...['eq', 'ne', 'gt', 'lt', 'and', 'or', 'not', 'default', 'json', 'upper', 'lower'],
      ...['number', 'date', 'length', 'if', 'unless', 'each', 'with', 'lookup', 'log'],
    ]);
  });

  it('knows every helper the engine registers, except the private URL-segment one', () => {
    for (const name of Object.keys(TEMPLATE_HELPERS)) {
      expect(KNOWN_HELPERS.has(name)).toBe(name !== URL_SEGMENT_HELPER);
    }
  });

  it('keeps the context in conditional and predicate blocks only', () => {
    expect([...CONTEXT_KEEPING_BLOCKS].sort()).toEqual(
      ['and', 'eq', 'gt', 'if', 'lt', 'ne', 'not', 'or', 'unless'].sort(),
    );
    for (const name of CONTEXT_KEEPING_BLOCKS) expect(KNOWN_HELPERS.has(name)).toBe(true);
  });
});
