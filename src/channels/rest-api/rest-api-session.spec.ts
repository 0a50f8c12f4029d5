import { readRestApiSessionKey, restApiSessionKey } from './rest-api-session';

describe('rest-api session keys', () => {
  it('should name the integration and the user, and read back (user ids may hold colons)', () => {
    const key = restApiSessionKey('01JINT', 'crm:42');
    expect(key).toBe('01JINT:crm:42');
    expect(readRestApiSessionKey(key)).toEqual({ integrationId: '01JINT', userId: 'crm:42' });
  });

  it('should read nothing from keys of another form', () => {
    for (const key of [null, '', 'no-colon', ':user', '01JINT:'])
      expect(readRestApiSessionKey(key)).toBeNull();
  });
});
