import { FlowCompileError } from '../flow-compile-error';
import { normaliseTransitions } from './normalise-transitions';

describe('normaliseTransitions', () => {
  it('should turn the map form into button rules with default last', () => {
    const rules = normaliseTransitions(
      { default: 'fallback', faq: 'faq_menu', support: 'talk', always: 'next' },
      'states.a.transitions',
    );
    expect(rules).toEqual([
      { to: 'faq_menu', button: 'faq', always: false, path: 'states.a.transitions.faq' },
      { to: 'talk', button: 'support', always: false, path: 'states.a.transitions.support' },
      { to: 'next', always: true, path: 'states.a.transitions.always' },
      { to: 'fallback', always: false, path: 'states.a.transitions.default' },
    ]);
  });

  it('should keep the list form in order', () => {
    const when = { var: 'order.status', op: 'eq', value: 'shipped' };
    const rules = normaliseTransitions(
      [
        { button: 'faq', to: 'faq_menu' },
        { keywords: ['hours', 'saa'], to: 'hours' },
        { keywords: 'single', to: 'one' },
        { regex: '^\\d{6}$', to: 'fetch' },
        { when, to: 'shipped' },
        { always: true, when, to: 'auto' },
        { to: 'fallback' },
      ],
      't',
    );
    expect(rules.map((r) => r.to)).toEqual([
      'faq_menu',
      'hours',
      'one',
      'fetch',
      'shipped',
      'auto',
      'fallback',
    ]);
    expect(rules[1].keywords).toEqual(['hours', 'saa']);
    expect(rules[2].keywords).toEqual(['single']);
    expect(rules[5]).toEqual({ to: 'auto', always: true, when, path: 't[5].to' });
    expect(rules[6]).toEqual({ to: 'fallback', always: false, path: 't[6].to' });
  });

  it('should accept nothing', () => {
    expect(normaliseTransitions(undefined, 't')).toEqual([]);
  });

  it.each([
    ['next'],
    [[{ button: 'x' }]],
    [{ faq: 3 }],
    [[{ to: 'a', keywords: [1] }]],
    [[{ to: 'a', regex: 5 }]],
  ])('should refuse %j', (raw) => {
    expect(() => normaliseTransitions(raw, 't')).toThrow(FlowCompileError);
  });
});
