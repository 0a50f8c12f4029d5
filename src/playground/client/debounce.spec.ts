import { debounce } from './debounce';

describe('debounce', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('calls once, with the last arguments, when calls pause for the wait', () => {
    const fn = jest.fn();
    const d = debounce(fn, 300);
    d('a');
    jest.advanceTimersByTime(200);
    d('ab');
    jest.advanceTimersByTime(200);
    d('abc');
    jest.advanceTimersByTime(299);
    expect(fn).not.toHaveBeenCalled();
    expect(d.pending).toBe(true);
    jest.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('abc');
    expect(d.pending).toBe(false);
  });

  it('calls again for calls after the first burst', () => {
    const fn = jest.fn();
    const d = debounce(fn, 100);
    d(1);
    jest.advanceTimersByTime(100);
    d(2);
    jest.advanceTimersByTime(100);
    expect(fn.mock.calls).toEqual([[1], [2]]);
  });

  it('cancels a pending call', () => {
    const fn = jest.fn();
    const d = debounce(fn, 100);
    d(1);
    d.cancel();
    jest.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
    expect(d.pending).toBe(false);
  });

  it('flushes a pending call at once, and only once', () => {
    const fn = jest.fn();
    const d = debounce(fn, 100);
    d.flush();
    expect(fn).not.toHaveBeenCalled();
    d('now');
    d.flush();
    expect(fn).toHaveBeenCalledWith('now');
    jest.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
