import { integrationNamesInFlow } from './published-flow-refs';

describe('integrationNamesInFlow', () => {
  it('should find names in state-map and state-list shapes, nested actions and lone action objects', () => {
    const map = {
      states: {
        a: {
          actions: [
            { type: 'API_CALL', integration: 'one' },
            { type: 'SET_VARIABLES', set: {} },
          ],
        },
        b: { actions: { type: 'API_CALL', integration: 'two' } },
        c: {
          actions: [
            { type: 'CONDITION', then: { actions: [{ type: 'API_CALL', integration: 'three' }] } },
          ],
        },
      },
      global: { actions: [{ type: 'API_CALL', integration: 'four' }] },
    };
    expect([...integrationNamesInFlow(map)].sort()).toEqual(['four', 'one', 'three', 'two']);
    const list = { states: [{ name: 'a', actions: [{ type: 'API_CALL', integration: 'five' }] }] };
    expect([...integrationNamesInFlow(list)]).toEqual(['five']);
  });

  it('should ignore non-string names, urls and odd shapes without throwing', () => {
    const odd = {
      states: { a: { actions: [null, 3, { integration: 7 }, { url: 'https://x' }] }, b: 'text' },
      integration: 'not-in-actions',
    };
    expect([...integrationNamesInFlow(odd)]).toEqual([]);
    expect([...integrationNamesInFlow(null)]).toEqual([]);
    expect([...integrationNamesInFlow('x')]).toEqual([]);
  });
});
