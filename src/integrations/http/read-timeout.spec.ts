import { FLOW_LIMITS } from '../../engine/limits/flow-limits';
import { resolveReadTimeout } from './read-timeout';

describe('resolveReadTimeout', () => {
  it.each([
    ['the flow first', 3000, 50, 10_000, 3000],
    ['then the integration', undefined, 50, 10_000, 50],
    ['then the default', undefined, undefined, 10_000, 10_000],
    ['a flow value that is not positive ignored', 0, 50, 10_000, 50],
    [
      'a flow value past the bound cut to it',
      2_147_483_647,
      50,
      10_000,
      FLOW_LIMITS.maxApiTimeoutMs,
    ],
    ['at the bound kept', FLOW_LIMITS.maxApiTimeoutMs, 50, 10_000, FLOW_LIMITS.maxApiTimeoutMs],
  ])('should take %s', (_name, flow, integration, fallback, expected) => {
    expect(resolveReadTimeout(flow, integration, fallback)).toBe(expected);
  });
});
