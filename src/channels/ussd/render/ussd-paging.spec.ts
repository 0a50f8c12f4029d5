import { pagingStep } from './ussd-paging';

describe('pagingStep', () => {
  const three = { screens: ['a\n98. More', 'b\n0. Back\n98. More', 'c\n0. Back'], page: 0 };

  it('should move forward with 98 and back with 0, within the reply', () => {
    expect(pagingStep('98', three)).toEqual({ kind: 'page', page: 1 });
    expect(pagingStep(' 98 ', { ...three, page: 1 })).toEqual({ kind: 'page', page: 2 });
    expect(pagingStep('0', { ...three, page: 2 })).toEqual({ kind: 'page', page: 1 });
  });

  it('should hand everything else to the flow', () => {
    expect(pagingStep('98', { ...three, page: 2 })).toEqual({ kind: 'turn' });
    expect(pagingStep('0', three)).toEqual({ kind: 'turn' });
    expect(pagingStep('1', three)).toEqual({ kind: 'turn' });
    expect(pagingStep('98', { screens: ['only'], page: 0 })).toEqual({ kind: 'turn' });
    expect(pagingStep('98', null)).toEqual({ kind: 'turn' });
    for (const odd of ['', '*', '**', '1**2', '9'.repeat(500)])
      expect(pagingStep(odd, three)).toEqual({ kind: 'turn' });
  });
});
