import { FlowCompileError } from '../flow-compile-error';
import { resolveStart } from './resolve-start';

const states = (...list: Array<[string, boolean?]>) =>
  list.map(([name, initial]) => ({ name, initial: initial === true }));

describe('resolveStart', () => {
  it('should use the explicit start', () => {
    expect(resolveStart('b', states(['a'], ['b'], ['start']))).toBe('b');
  });

  it('should fall back to a state named start', () => {
    expect(resolveStart(undefined, states(['a'], ['start']))).toBe('start');
  });

  it('should fall back to the state marked initial', () => {
    expect(resolveStart(undefined, states(['a'], ['b', true]))).toBe('b');
  });

  it.each([
    ['missing', states(['a']), 'no_start'],
    [undefined, states(['a']), 'no_start'],
    [undefined, states(['start'], ['b', true]), 'ambiguous_start'],
    [undefined, states(['a', true], ['b', true]), 'ambiguous_start'],
  ])('should refuse start %j', (start, list, code) => {
    expect(() => resolveStart(start, list)).toThrow(FlowCompileError);
    expect(() => resolveStart(start, list)).toThrow(expect.objectContaining({ code }) as Error);
  });
});
