import { outboxBackoffMs } from './outbox-backoff';

describe('outboxBackoffMs', () => {
  it('doubles from one second with jitter over the upper half', () => {
    expect(outboxBackoffMs(1, () => 0)).toBe(500);
    expect(outboxBackoffMs(1, () => 1)).toBe(1000);
    expect(outboxBackoffMs(3, () => 0.5)).toBe(3000);
  });

  it('caps at five minutes, also for a long Retry-After', () => {
    expect(outboxBackoffMs(30, () => 1)).toBe(300_000);
    expect(outboxBackoffMs(1, () => 1, 10_000_000)).toBe(300_000);
  });

  it("follows the provider's Retry-After", () => {
    expect(outboxBackoffMs(5, () => 1, 2500)).toBe(2500);
  });
});
