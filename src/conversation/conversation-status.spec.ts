import { availability, statusAfterTurn } from './conversation-status';

const session = (status: 'active' | 'closed' | 'handoff') => ({
  state: 's',
  variables: {},
  retries: 0,
  status,
});

describe('statusAfterTurn', () => {
  it.each([
    [false, 'active', 'ACTIVE'],
    [true, 'active', 'CLOSED'],
    [false, 'closed', 'CLOSED'],
    [false, 'handoff', 'HANDOFF_PENDING'],
    [true, 'handoff', 'CLOSED'],
  ] as const)('closed=%s, session %s → %s', (closed, status, expected) => {
    expect(statusAfterTurn({ closed, session: session(status) })).toBe(expected);
  });
});

describe('availability', () => {
  it.each([
    ['ACTIVE', false, 'open'],
    ['HANDOFF_PENDING', false, 'open'],
    ['ACTIVE', true, 'expired'],
    ['HANDOFF_PENDING', true, 'open'],
    ['EXPIRED', false, 'expired'],
    ['CLOSED', true, 'closed'],
    ['CLOSED', false, 'closed'],
  ] as const)('%s (past its time: %s) is %s', (status, expired, expected) => {
    expect(availability({ status, expired })).toBe(expected);
  });
});
