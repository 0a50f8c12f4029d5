import { createHmac } from 'node:crypto';
import {
  hashVisitorToken,
  newVisitorId,
  newVisitorToken,
  verifiedUserId,
  VISITOR_ID_PATTERN,
  visitorTokenMatches,
} from './visitor-identity';

describe('visitor identity', () => {
  const secret = 'site-identity-secret-0123456789';
  const sign = (id: string, key = secret) => createHmac('sha256', key).update(id).digest('hex');

  it('makes visitor ids the API accepts back', () => {
    const id = newVisitorId();
    expect(id).toMatch(VISITOR_ID_PATTERN);
    expect(newVisitorId()).not.toBe(id);
  });

  it('checks a visitor token against its stored hash only', () => {
    const token = newVisitorToken();
    const stored = hashVisitorToken(token);
    expect(visitorTokenMatches(stored, token)).toBe(true);
    expect(visitorTokenMatches(stored, `${token}x`)).toBe(false);
    expect(visitorTokenMatches(stored, newVisitorToken())).toBe(false);
    expect(stored.toString('utf8')).not.toContain(token);
  });

  it('takes the user id of a claim signed with the secret', () => {
    expect(verifiedUserId(secret, { id: 'user-42', signature: sign('user-42') })).toBe('user-42');
  });

  it.each([
    [
      'signed with another secret',
      { id: 'user-42', signature: sign('user-42', 'another-secret-xx') },
    ],
    ['signed for another id', { id: 'user-42', signature: sign('user-43') }],
    [
      'an uppercase or short signature',
      { id: 'user-42', signature: sign('user-42').toUpperCase() },
    ],
    ['no signature', { id: 'user-42', signature: '' }],
  ])('ignores a claim %s', (_what, claim) => {
    expect(verifiedUserId(secret, claim)).toBeNull();
  });

  it('ignores every claim when the integration has no identity secret', () => {
    expect(verifiedUserId(null, { id: 'user-42', signature: sign('user-42') })).toBeNull();
  });
});
