import { africasTalking as at } from './africastalking.gateway';
import { ProviderRequestError } from '../../provider-request';

const form = (fields: Record<string, string>) => ({
  body: {
    sessionId: 'ATUid_1',
    serviceCode: '*384*12#',
    phoneNumber: '+255700000001',
    networkCode: '63902',
    ...fields,
  },
  path: [],
});

describe("Africa's Talking gateway", () => {
  it('should read a dial, and only the newest segment of the joined path', () => {
    expect(at.parse(form({ text: '' }))).toMatchObject({
      event: 'start',
      input: '',
      sessionId: 'ATUid_1',
      phone: '+255700000001',
      serviceCode: '*384*12#',
    });
    expect(at.parse(form({ text: '1*2*Amina' }))).toMatchObject({ event: 'input', input: 'Amina' });
    for (const [path, newest] of [
      ['*', ''],
      ['**', ''],
      ['1**2', '2'],
      ['1*', ''],
    ])
      expect(at.parse(form({ text: path })).input).toBe(newest);
  });

  it('should give the whole path as the step, so that only a retry has the last one', () => {
    expect(at.parse(form({ text: '' })).step).toBe('');
    expect(at.parse(form({ text: '1*2' })).step).toBe('1*2');
    expect(at.parse(form({ text: '1*2*2' })).step).toBe('1*2*2');
    expect(at.parse(form({ status: 'Success' })).step).toBeNull();
  });

  it('should read the end-of-session notification', () => {
    expect(at.parse(form({ status: 'Success', durationInMillis: '4000' }))).toMatchObject({
      event: 'end',
    });
    // Without the phone number too: the session id names what ended.
    expect(at.parse({ body: { sessionId: 'ATUid_9', status: 'Failed' }, path: [] })).toMatchObject({
      event: 'end',
      sessionId: 'ATUid_9',
    });
  });

  it('should refuse a request without a session id or phone number, with the field', () => {
    expect(() => at.parse({ body: { text: '1' }, path: [] })).toThrow(ProviderRequestError);
    try {
      at.parse({ body: { sessionId: 'x', text: '1' }, path: [] });
    } catch (e) {
      expect((e as ProviderRequestError).path).toBe('phoneNumber');
    }
    expect(() => at.parse({ body: 'text=1', path: [] })).toThrow(ProviderRequestError);
  });

  it('should answer CON to continue and END to end, as plain text', () => {
    const req = at.parse(form({ text: '' }));
    expect(at.reply(req, { text: 'Menu\n1. Pay', end: false })).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: 'CON Menu\n1. Pay',
    });
    expect(at.reply(req, { text: 'Bye', end: true }).body).toBe('END Bye');
  });
});
