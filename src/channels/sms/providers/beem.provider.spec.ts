import { beem } from './beem.provider';
import { ProviderRequestError } from '../../provider-request';

describe('Beem SMS', () => {
  it('should read a two-way message and a delivery report', () => {
    expect(
      beem.parse({ from: '255700000001', to: '15200', message: 'Habari', message_id: 'b-1' }),
    ).toEqual({
      kind: 'message',
      message: { from: '255700000001', to: '15200', text: 'Habari', providerMessageId: 'b-1' },
    });
    expect(
      beem.parse({
        request_id: 4242,
        recipient_id: 1,
        dest_addr: '255700000001',
        status: 'DELIVERED',
      }),
    ).toEqual({
      kind: 'status',
      providerMessageId: '4242',
      status: 'delivered',
    });
    expect(beem.parse({ request_id: 4242, status: 'UNDELIVERED' })).toMatchObject({
      status: 'failed',
    });
    // A status not in the table was read as a failure; it is a report we cannot read.
    expect(beem.parse({ request_id: 4242, status: 'enroute' })).toEqual({
      kind: 'unknown_status',
      providerMessageId: '4242',
      status: 'ENROUTE',
    });
    expect(() => beem.parse({ from: '255700000001', to: '15200', message: 'x' })).toThrow(
      ProviderRequestError,
    );
  });

  it('should send JSON with Basic auth and read success and failure', () => {
    const req = beem.buildSend(
      { api_key: 'k', secret_key: 's', sender_id: 'DUKA' },
      'http://127.0.0.1:9',
      {
        to: '+255700000001',
        text: 'Karibu',
        from: null,
      },
    );
    expect(req.url).toBe('http://127.0.0.1:9/v1/send');
    expect(req.headers.Authorization).toBe(`Basic ${Buffer.from('k:s').toString('base64')}`);
    expect(JSON.parse(req.body)).toEqual({
      source_addr: 'DUKA',
      encoding: 0,
      message: 'Karibu',
      recipients: [{ recipient_id: 1, dest_addr: '255700000001' }],
    });
    expect(
      beem.readSendResponse(200, '{"successful":true,"request_id":77,"code":100,"valid":1}'),
    ).toEqual({
      ok: true,
      providerMessageId: '77',
    });
    expect(
      beem.readSendResponse(200, '{"successful":false,"code":111,"message":"Invalid Sender Id"}'),
    ).toEqual({
      ok: false,
      retryable: false,
      code: '111',
      title: 'Invalid Sender Id',
    });
    expect(beem.readSendResponse(502, '')).toMatchObject({ retryable: true });
  });
});
