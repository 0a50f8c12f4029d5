import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  resolveRetryPolicy,
} from './retry-policy';

describe('retry-policy', () => {
  describe('resolveRetryPolicy', () => {
    it('should layer integration then action over the defaults, field by field', () => {
      const policy = resolveRetryPolicy(
        DEFAULT_RETRY_POLICY,
        { max_attempts: 5, initial_delay_ms: 150 },
        { max_attempts: 2, on: ['TIMEOUT'] },
      );
      expect(policy).toEqual({
        max_attempts: 2,
        initial_delay_ms: 150,
        max_delay_ms: 5000,
        on: ['timeout'],
      });
    });

    it('should ignore nonsense values', () => {
      const policy = resolveRetryPolicy(DEFAULT_RETRY_POLICY, {
        max_attempts: Number.NaN,
        initial_delay_ms: -5,
      });
      expect(policy.max_attempts).toBe(3);
      expect(policy.initial_delay_ms).toBe(100);
    });

    it('should clamp attempts and delays to the flow limits, whatever was stored', () => {
      const policy = resolveRetryPolicy(DEFAULT_RETRY_POLICY, {
        max_attempts: 1_000_000,
        initial_delay_ms: 0,
        max_delay_ms: 10_000_000,
      });
      expect(policy).toMatchObject({
        max_attempts: 10,
        initial_delay_ms: 100,
        max_delay_ms: 60_000,
      });
    });
  });

  describe('isRetryable', () => {
    const policy = DEFAULT_RETRY_POLICY;

    it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as const)(
      'should retry %s on 5xx, 429, timeout and network errors',
      (method) => {
        expect(isRetryable(method, { kind: 'status', status: 500 }, policy)).toBe(true);
        expect(isRetryable(method, { kind: 'status', status: 502 }, policy)).toBe(true);
        expect(isRetryable(method, { kind: 'status', status: 429 }, policy)).toBe(true);
        expect(
          isRetryable(method, { kind: 'error', code: 'timeout', beforeSend: false }, policy),
        ).toBe(true);
        expect(
          isRetryable(method, { kind: 'error', code: 'network_error', beforeSend: false }, policy),
        ).toBe(true);
        expect(isRetryable(method, { kind: 'status', status: 404 }, policy)).toBe(false);
      },
    );

    it.each(['POST', 'PATCH'] as const)(
      'should retry %s only before sending or on 429/503',
      (method) => {
        expect(
          isRetryable(method, { kind: 'error', code: 'network_error', beforeSend: true }, policy),
        ).toBe(true);
        expect(
          isRetryable(method, { kind: 'error', code: 'timeout', beforeSend: true }, policy),
        ).toBe(true);
        expect(
          isRetryable(method, { kind: 'error', code: 'network_error', beforeSend: false }, policy),
        ).toBe(false);
        expect(
          isRetryable(method, { kind: 'error', code: 'timeout', beforeSend: false }, policy),
        ).toBe(false);
        expect(isRetryable(method, { kind: 'status', status: 429 }, policy)).toBe(true);
        expect(isRetryable(method, { kind: 'status', status: 503 }, policy)).toBe(true);
        expect(isRetryable(method, { kind: 'status', status: 500 }, policy)).toBe(false);
        expect(isRetryable(method, { kind: 'status', status: 502 }, policy)).toBe(false);
      },
    );

    it('should let the `on` list narrow what is retried, with statuses and classes', () => {
      const narrow = resolveRetryPolicy(policy, { on: ['503', '4xx'] });
      expect(isRetryable('GET', { kind: 'status', status: 503 }, narrow)).toBe(true);
      expect(isRetryable('GET', { kind: 'status', status: 500 }, narrow)).toBe(false);
      expect(isRetryable('GET', { kind: 'status', status: 409 }, narrow)).toBe(true);
      expect(isRetryable('GET', { kind: 'error', code: 'timeout', beforeSend: true }, narrow)).toBe(
        false,
      );
      expect(isRetryable('POST', { kind: 'status', status: 409 }, narrow)).toBe(false);
    });

    it('should never retry refusals and local errors', () => {
      for (const code of [
        'blocked_address',
        'invalid_header',
        'too_many_redirects',
        'response_too_large',
        'circuit_open',
      ] as const) {
        expect(
          isRetryable(
            'GET',
            { kind: 'error', code, beforeSend: true },
            resolveRetryPolicy(policy, { on: [code] }),
          ),
        ).toBe(false);
      }
    });
  });

  describe('backoffDelay', () => {
    const policy = resolveRetryPolicy(DEFAULT_RETRY_POLICY, {
      initial_delay_ms: 100,
      max_delay_ms: 1000,
    });

    it('should grow exponentially with jitter above the minimum delay', () => {
      expect(backoffDelay(1, policy, () => 0.999)).toBe(100);
      expect(backoffDelay(2, policy, () => 0.999)).toBe(199);
      expect(backoffDelay(3, policy, () => 0.5)).toBe(250);
      expect(backoffDelay(3, policy, () => 0)).toBe(100);
    });

    it('should cap at max_delay_ms', () => {
      expect(backoffDelay(10, policy, () => 0.999)).toBe(999);
    });

    it('should honour Retry-After up to the cap', () => {
      expect(backoffDelay(1, policy, () => 0, 300)).toBe(300);
      expect(backoffDelay(1, policy, () => 0, 0)).toBe(100);
      expect(backoffDelay(1, policy, () => 0, 60_000)).toBe(1000);
    });
  });
});
