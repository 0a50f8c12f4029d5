import { africasTalking as at } from './africastalking.provider';
import { ProviderRequestError } from '../../provider-request';

const pathOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProviderRequestError) return err.path;
    throw err;
  }
  throw new Error('expected an ProviderRequestError');
};

describe("Africa's Talking SMS", () => {
  it('should read an inbound message, a premium one, a delivery report and an opt-out', () => {
    const inbound = {
      from: '+255700000001',
      to: '15055',
      text: 'Hi',
      date: '2026-12-05',
      id: 'ATXid_1',
    };
    expect(at.parse(inbound)).toEqual({
      kind: 'message',
      message: { from: '+255700000001', to: '15055', text: 'Hi', providerMessageId: 'ATXid_1' },
    });
    expect(at.parse({ ...inbound, linkId: 'SampleLinkId123', keyword: 'DUKA' })).toMatchObject({
      message: { linkId: 'SampleLinkId123', keyword: 'DUKA' },
    });
    expect(at.parse({ id: 'ATXid_9', status: 'Success', phoneNumber: '+255700000001' })).toEqual({
      kind: 'status',
      providerMessageId: 'ATXid_9',
      status: 'delivered',
    });
    expect(at.parse({ id: 'ATXid_9', status: 'Failed', failureReason: 'UserInBlacklist' })).toEqual(
      {
        kind: 'status',
        providerMessageId: 'ATXid_9',
        status: 'failed',
        error: { code: 'Failed', title: 'UserInBlacklist' },
      },
    );
    expect(at.parse({ senderId: 'DUKA', phoneNumber: '+255700000002' })).toEqual({
      kind: 'opt_out',
      phone: '+255700000002',
    });
  });

  it('should refuse missing or mistyped fields at their names', () => {
    expect(pathOf(() => at.parse({ to: '1', text: 'x', id: 'a' }))).toBe('from');
    expect(pathOf(() => at.parse({ from: '+255700000001', to: '1', text: 'x' }))).toBe('id');
    expect(pathOf(() => at.parse({ from: ['+2557'], to: '1', text: 'x', id: 'a' }))).toBe('from');
    expect(
      pathOf(() => at.parse({ from: '+255700000001', to: '1', text: 'x'.repeat(10_001), id: 'a' })),
    ).toBe('text');
    expect(pathOf(() => at.parse({ id: 'a', status: '' }))).toBe('status');
    // A status not in the table is a report all the same (acknowledged, not refused).
    expect(at.parse({ id: 'a', status: 'Lost' })).toEqual({
      kind: 'unknown_status',
      providerMessageId: 'a',
      status: 'Lost',
    });
    expect(at.parse({ id: 'a', status: 'constructor' }).kind).toBe('unknown_status');
    expect(pathOf(() => at.parse({}))).toBe('');
    expect(
      at.parse({ from: '+255700000001', to: '1', text: 'x'.repeat(10_000), id: 'a' }).kind,
    ).toBe('message');
  });

  it('should send with the api key header, and premium fields on a reply to a premium message', () => {
    const creds = { username: 'duka', api_key: 'atsk_1' };
    const plain = at.buildSend(creds, 'http://127.0.0.1:9', {
      to: '+255700000001',
      text: 'Hi & bye',
      from: 'DUKA',
    });
    expect(plain.url).toBe('http://127.0.0.1:9/version1/messaging');
    expect(plain.headers.apiKey).toBe('atsk_1');
    expect(Object.fromEntries(new URLSearchParams(plain.body))).toEqual({
      username: 'duka',
      to: '+255700000001',
      message: 'Hi & bye',
      from: 'DUKA',
    });
    const premium = at.buildSend(creds, 'http://x', {
      to: '+255700000001',
      text: 'Hi',
      from: null,
      linkId: 'L1',
      keyword: 'DUKA',
    });
    expect(Object.fromEntries(new URLSearchParams(premium.body))).toMatchObject({
      keyword: 'DUKA',
      linkId: 'L1',
      bulkSMSMode: '0',
    });
  });

  it('should read the send answer: success, a final refusal, a retryable one', () => {
    const answer = (statusCode: number, status: string) =>
      JSON.stringify({
        SMSMessageData: {
          Message: 'Sent to 1/1',
          Recipients: [{ statusCode, number: '+255700000001', status, messageId: 'ATXid_7' }],
        },
      });
    expect(at.readSendResponse(201, answer(101, 'Success'))).toEqual({
      ok: true,
      providerMessageId: 'ATXid_7',
    });
    expect(at.readSendResponse(201, answer(403, 'InvalidPhoneNumber'))).toEqual({
      ok: false,
      retryable: false,
      code: '403',
      title: 'InvalidPhoneNumber',
    });
    expect(at.readSendResponse(201, answer(500, 'InternalServerError'))).toMatchObject({
      retryable: true,
    });
    expect(at.readSendResponse(503, 'busy')).toMatchObject({ ok: false, retryable: true });
    expect(at.readSendResponse(401, 'The supplied authentication is invalid')).toMatchObject({
      retryable: false,
    });
    expect(at.readSendResponse(0, '')).toMatchObject({ retryable: true });
  });
});
