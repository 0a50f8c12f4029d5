import { arkesel } from './arkesel.gateway';
import { ProviderRequestError } from '../../provider-request';

const call = (fields: Record<string, unknown>) => ({
  body: { sessionID: 'ark-1', userID: 'u-9', msisdn: '233240000001', network: 'MTN', ...fields },
  path: [],
});

describe('Arkesel gateway', () => {
  it('should read a new session and a reply', () => {
    expect(arkesel.parse(call({ newSession: true, userData: '*928#' }))).toMatchObject({
      event: 'start',
      input: '',
    });
    expect(arkesel.parse(call({ newSession: 'false', userData: '3' }))).toMatchObject({
      event: 'input',
      input: '3',
    });
  });

  it('should refuse a newSession that is not a flag', () => {
    expect(() => arkesel.parse(call({ newSession: 'maybe' }))).toThrow(ProviderRequestError);
  });

  it('should echo the ids and say whether to continue', () => {
    const req = arkesel.parse(call({ newSession: false, userData: '1' }));
    expect(JSON.parse(arkesel.reply(req, { text: 'Done', end: true }).body)).toEqual({
      sessionID: 'ark-1',
      userID: 'u-9',
      msisdn: '233240000001',
      message: 'Done',
      continueSession: false,
    });
  });
});
