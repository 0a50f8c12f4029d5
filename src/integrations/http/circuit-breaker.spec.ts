import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('should stay closed below the failure threshold and reset on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, now: clock });
    breaker.recordFailure('h');
    breaker.recordFailure('h');
    breaker.recordSuccess('h');
    breaker.recordFailure('h');
    breaker.recordFailure('h');
    expect(breaker.state('h')).toBe('closed');
    expect(breaker.tryAcquire('h')).toBe(true);
  });

  it('should open after N consecutive failures and fail fast until the cool-down', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1000, now: clock });
    for (let i = 0; i < 3; i++) breaker.recordFailure('h');
    expect(breaker.state('h')).toBe('open');
    expect(breaker.tryAcquire('h')).toBe(false);
    now += 999;
    expect(breaker.tryAcquire('h')).toBe(false);
    expect(breaker.tryAcquire('other')).toBe(true);
  });

  it('should let exactly one trial through when half-open, and close on its success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 1000, now: clock });
    breaker.recordFailure('h');
    breaker.recordFailure('h');
    now += 1000;
    expect(breaker.state('h')).toBe('half_open');
    expect(breaker.tryAcquire('h')).toBe(true);
    expect(breaker.tryAcquire('h')).toBe(false);
    breaker.recordSuccess('h');
    expect(breaker.state('h')).toBe('closed');
    expect(breaker.tryAcquire('h')).toBe(true);
  });

  it('should reopen for a new cool-down when the trial fails', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 1000, now: clock });
    breaker.recordFailure('h');
    breaker.recordFailure('h');
    now += 1500;
    expect(breaker.tryAcquire('h')).toBe(true);
    breaker.recordFailure('h');
    expect(breaker.state('h')).toBe('open');
    now += 999;
    expect(breaker.tryAcquire('h')).toBe(false);
    now += 1;
    expect(breaker.tryAcquire('h')).toBe(true);
  });

  it('should free the trial slot on release without changing the state', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 10, now: clock });
    breaker.recordFailure('h');
    now += 10;
    expect(breaker.tryAcquire('h')).toBe(true);
    breaker.release('h');
    expect(breaker.tryAcquire('h')).toBe(true);
  });

  it('should default to 5 failures and a 30 s cool-down', () => {
    const breaker = new CircuitBreaker({ now: clock });
    for (let i = 0; i < 4; i++) breaker.recordFailure('h');
    expect(breaker.state('h')).toBe('closed');
    breaker.recordFailure('h');
    expect(breaker.state('h')).toBe('open');
    now += 29_999;
    expect(breaker.state('h')).toBe('open');
    now += 1;
    expect(breaker.state('h')).toBe('half_open');
  });

  it('should remember at most maxKeys hosts, a host pushed out counting as closed', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, maxKeys: 4, now: clock });
    for (let i = 0; i < 40; i++) {
      breaker.recordFailure(`h${i}`);
      expect(breaker.size).toBeLessThanOrEqual(4);
    }
    expect(breaker.size).toBe(4);
    expect(breaker.state('h39')).toBe('open');
    expect(breaker.state('h0')).toBe('closed');
    expect(breaker.tryAcquire('h0')).toBe(true);
    breaker.recordFailure('h0');
    expect(breaker.state('h0')).toBe('open');
    expect(breaker.size).toBe(4);
  });

  it('should keep the hosts it was asked about most recently', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, maxKeys: 2, now: clock });
    breaker.recordFailure('a');
    breaker.recordFailure('b');
    expect(breaker.tryAcquire('a')).toBe(false); // a is used again
    breaker.recordFailure('c'); // pushes out b
    expect(breaker.state('a')).toBe('open');
    expect(breaker.state('b')).toBe('closed');
  });

  it('should forget a host on success, so healthy hosts take no room', () => {
    const breaker = new CircuitBreaker({ now: clock });
    for (let i = 0; i < 100; i++) {
      breaker.recordFailure(`h${i}`);
      breaker.recordSuccess(`h${i}`);
    }
    expect(breaker.size).toBe(0);
  });
});
