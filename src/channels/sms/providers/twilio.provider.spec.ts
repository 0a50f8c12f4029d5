import { ProviderRequestError } from '../../provider-request';

import { twilio, twilioSignature, twimlReply, verifyTwilioSignature } from './twilio.provider';

// The example of Twilio's "Validating requests" documentation.
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('Twilio SMS', () => {
  it('should compute the documented signature, and refuse a tampered request', () => {
    expect(twilioSignature('12345', DOC_URL, DOC_PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(
      verifyTwilioSignature('12345', DOC_URL, DOC_PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
    ).toBe(true);
    expect(
      verifyTwilioSignature(
        '12345',
        DOC_URL,
        { ...DOC_PARAMS, Digits: '1235' },
        'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
      ),
    ).toBe(false);
    expect(
      verifyTwilioSignature('12345', `${DOC_URL}&x=1`, DOC_PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
    ).toBe(false);
    expect(
      verifyTwilioSignature('54321', DOC_URL, DOC_PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
    ).toBe(false);
    expect(verifyTwilioSignature('12345', DOC_URL, DOC_PARAMS, undefined)).toBe(false);
  });

  it('should read an inbound message and status callbacks', () => {
    expect(
      twilio.parse({ From: '+15550001111', To: '+15550002222', Body: 'Hi', MessageSid: 'SM1' }),
    ).toEqual({
      kind: 'message',
      message: { from: '+15550001111', to: '+15550002222', text: 'Hi', providerMessageId: 'SM1' },
    });
    expect(twilio.parse({ MessageSid: 'SM2', MessageStatus: 'delivered' })).toEqual({
      kind: 'status',
      providerMessageId: 'SM2',
      status: 'delivered',
    });
    expect(
      twilio.parse({ MessageSid: 'SM2', MessageStatus: 'undelivered', ErrorCode: '30003' }),
    ).toMatchObject({
      status: 'failed',
      error: { code: '30003' },
    });
    expect(() => twilio.parse({ To: '+1555', Body: 'x', MessageSid: 'SM3' })).toThrow(
      ProviderRequestError,
    );
    // Every status Twilio reports of a message it was given, not only the common ones.
    const statusOf = (MessageStatus: string) =>
      (twilio.parse({ MessageSid: 'SM4', MessageStatus }) as { status: string }).status;
    expect(['scheduled', 'partially_delivered', 'canceled'].map(statusOf)).toEqual([
      'sent',
      'delivered',
      'failed',
    ]);
    expect(twilio.parse({ MessageSid: 'SM4', MessageStatus: 'Vanished' })).toEqual({
      kind: 'unknown_status',
      providerMessageId: 'SM4',
      status: 'vanished',
    });
  });

  it('should escape bot text in TwiML', () => {
    expect(twimlReply([`Fish & chips <2> "today"`, "it's"])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Fish &amp; chips &lt;2&gt; &quot;today&quot;</Message><Message>it&apos;s</Message></Response>',
    );
    expect(twimlReply([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });

  it('should send through the Messages API with Basic auth, and read its answers', () => {
    const req = twilio.buildSend(
      { account_sid: 'AC1', auth_token: 'tok', from: '+15550002222' },
      'http://127.0.0.1:9',
      {
        to: '+15550001111',
        text: 'Hi',
        from: null,
      },
    );
    expect(req.url).toBe('http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json');
    expect(req.headers.Authorization).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      To: '+15550001111',
      From: '+15550002222',
      Body: 'Hi',
    });
    expect(twilio.readSendResponse(201, '{"sid":"SM9","status":"queued"}')).toEqual({
      ok: true,
      providerMessageId: 'SM9',
    });
    expect(twilio.readSendResponse(400, '{"code":21211,"message":"Invalid To"}')).toEqual({
      ok: false,
      retryable: false,
      code: '21211',
      title: 'Invalid To',
    });
    expect(
      twilio.readSendResponse(429, '{"code":20429,"message":"Too Many Requests"}'),
    ).toMatchObject({ retryable: true });
  });
});
