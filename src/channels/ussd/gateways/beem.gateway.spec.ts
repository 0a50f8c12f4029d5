import { beem } from './beem.gateway';
import { ProviderRequestError } from '../../provider-request';

const call = (command: string, payload: unknown = { request_id: 7, response: '1' }) => ({
  body: { command, msisdn: '255710000001', session_id: 'b-1', operator: 'vodacom', payload },
  path: [],
});

describe('Beem gateway', () => {
  it('should read initiate, continue and terminate', () => {
    expect(beem.parse(call('initiate', { request_id: 1, response: '' }))).toMatchObject({
      event: 'start',
      input: '',
    });
    expect(beem.parse(call('continue'))).toMatchObject({ event: 'input', input: '1' });
    expect(beem.parse(call('terminate')).event).toBe('end');
  });

  it('should refuse an unknown command or a payload that is not an object', () => {
    expect(() => beem.parse(call('dance'))).toThrow(ProviderRequestError);
    expect(() => beem.parse(call('continue', 'x'))).toThrow('payload must be an object');
    try {
      beem.parse(call('continue', { request_id: 1, response: ['1'] }));
    } catch (e) {
      expect((e as ProviderRequestError).path).toBe('payload.response');
    }
  });

  it('should echo the request id and operator', () => {
    const req = beem.parse(call('continue'));
    expect(JSON.parse(beem.reply(req, { text: 'Hi', end: false }).body)).toEqual({
      command: 'continue',
      msisdn: '255710000001',
      session_id: 'b-1',
      operator: 'vodacom',
      payload: { request_id: '7', request: 'Hi' },
    });
  });
});
