import {
  PAIR_RATE_LIMIT_MS,
  graphMessagesRequest,
  markReadRequest,
  mediaDownloadRequest,
  mediaLookupRequest,
  readGraphSendResponse,
  readMediaLookup,
  retryDelayMs,
} from './graph-api';

const number = {
  base: 'https://graph.example/',
  version: 'v23.0',
  phoneNumberId: '106540352242922',
  accessToken: 'EAAtoken123456789',
};

/** Meta's error body (error codes page of the Cloud API docs). */
const graphError = (code: number | string, message: string, details?: string) =>
  JSON.stringify({
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: 'AbCdEf123',
    },
  });

describe('graph-api', () => {
  describe('graphMessagesRequest', () => {
    const text = { type: 'text', text: { body: 'Hi' } };

    it('should POST the message to a phone number in `to`, as digits', () => {
      const request = graphMessagesRequest({
        ...number,
        to: '+255 700-000-001',
        toKind: 'phone',
        body: text,
      });
      expect(request).toEqual({
        method: 'POST',
        url: 'https://graph.example/v23.0/106540352242922/messages',
        headers: {
          Authorization: 'Bearer EAAtoken123456789',
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: expect.any(String),
      });
      expect(JSON.parse(request.body)).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '255700000001',
        type: 'text',
        text: { body: 'Hi' },
      });
    });

    it('should send to a business-scoped user id in `recipient`, never in `to`', () => {
      const request = graphMessagesRequest({
        ...number,
        to: 'TZ.13491208655302741918',
        toKind: 'bsuid',
        body: text,
      });
      const body = JSON.parse(request.body);
      expect(body.recipient).toBe('TZ.13491208655302741918');
      expect(body).not.toHaveProperty('to');
    });
  });

  describe('markReadRequest', () => {
    it('should mark the message read with the typing indicator on, at the messages URL', () => {
      const request = markReadRequest({ ...number, wamid: 'wamid.HBgL' });
      expect(request.url).toBe('https://graph.example/v23.0/106540352242922/messages');
      expect(request.headers.Authorization).toBe('Bearer EAAtoken123456789');
      expect(JSON.parse(request.body)).toEqual({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: 'wamid.HBgL',
        typing_indicator: { type: 'text' },
      });
    });
  });

  describe('readGraphSendResponse', () => {
    it('should read the wamid of a sent message', () => {
      const answer = JSON.stringify({
        messaging_product: 'whatsapp',
        contacts: [{ input: '255700000001', wa_id: '255700000001' }],
        messages: [{ id: 'wamid.HBgLMjU1' }],
      });
      expect(readGraphSendResponse(200, answer)).toEqual({ ok: true, wamid: 'wamid.HBgLMjU1' });
    });

    it.each([
      // status, body, outcome, code (Meta's a number, even when sent as its digits)
      [400, graphError(131047, '(#131047) Re-engagement message'), 'final', 131047],
      [400, graphError(131026, '(#131026) Message Undeliverable'), 'final', 131026],
      [400, graphError(100, '(#100) Invalid parameter'), 'final', 100],
      [403, graphError(10, '(#10) Permission denied'), 'final', 10],
      [429, graphError(130429, '(#130429) Rate limit hit'), 'retry', 130429],
      [400, graphError(130429, '(#130429) Rate limit hit'), 'retry', 130429],
      [429, graphError(131056, '(#131056) pair rate limit hit'), 'retry', 131056],
      [429, graphError(4, '(#4) Application request limit reached'), 'retry', 4],
      [400, graphError(80007, '(#80007) Rate limit issues'), 'retry', 80007],
      [400, graphError(1, '(#1) An unknown error occurred'), 'retry', 1],
      [503, graphError(2, '(#2) Service temporarily unavailable'), 'retry', 2],
      [500, graphError(131000, '(#131000) Something went wrong'), 'retry', 131000],
      [502, '<html>Bad gateway</html>', 'retry', 'http_502'],
      [429, '', 'retry', 'http_429'],
      [0, '', 'retry', 'no_answer'],
      [200, 'not json', 'retry', 'invalid_answer'],
      [200, '{"messages":[]}', 'retry', 'invalid_answer'],
      [401, graphError(190, 'Error validating access token'), 'auth', 190],
      [400, graphError('190', 'Error validating access token'), 'auth', 190],
      [401, '', 'auth', 'http_401'],
      [404, '', 'final', 'http_404'],
    ])('should read HTTP %i %s as %s (%s)', (status, body, outcome, code) => {
      expect(readGraphSendResponse(status, body)).toMatchObject({ ok: false, outcome, code });
    });

    it("should title a failure with Meta's message and details", () => {
      const body = graphError(
        131047,
        '(#131047) Re-engagement message',
        'More than 24 hours since the user last wrote.',
      );
      expect(readGraphSendResponse(400, body)).toEqual({
        ok: false,
        outcome: 'final',
        code: 131047,
        title: '(#131047) Re-engagement message: More than 24 hours since the user last wrote.',
      });
    });

    it('should never put an access token in the title', () => {
      const body = graphError(190, 'Malformed access token EAAGm0PX4ZCpsBAKZB1234567890abcdef');
      const other = graphError(190, 'Invalid OAuth access token: abcdefghijklmnopqrstuvwx12345');
      for (const answer of [body, other]) {
        const result = readGraphSendResponse(401, answer);
        expect(result).toMatchObject({ outcome: 'auth' });
        expect(JSON.stringify(result)).not.toMatch(/EAAGm0PX|abcdefghijklmnop/);
      }
    });

    it('should wait at least 6 s after a pair rate limit, longer if Meta says so', () => {
      const pair = graphError(131056, '(#131056) pair rate limit hit');
      expect(readGraphSendResponse(429, pair)).toMatchObject({ retryAfterMs: PAIR_RATE_LIMIT_MS });
      expect(readGraphSendResponse(429, pair, '2')).toMatchObject({ retryAfterMs: 6_000 });
      expect(readGraphSendResponse(429, pair, '30')).toMatchObject({ retryAfterMs: 30_000 });
      expect(readGraphSendResponse(503, '', '5')).toMatchObject({ retryAfterMs: 5_000 });
      expect(readGraphSendResponse(503, '')).not.toHaveProperty('retryAfterMs');
      expect(readGraphSendResponse(400, graphError(131047, 'x'), '5')).not.toHaveProperty(
        'retryAfterMs',
      );
    });
  });

  describe('media', () => {
    it('should look a media id up with the bearer token, optionally checking its number', () => {
      const { base, version, accessToken } = number;
      expect(
        mediaLookupRequest({ base, version, accessToken, mediaId: '1037543291543636' }),
      ).toEqual({
        method: 'GET',
        url: 'https://graph.example/v23.0/1037543291543636',
        headers: { Authorization: 'Bearer EAAtoken123456789', Accept: 'application/json' },
      });
      expect(
        mediaLookupRequest({ ...number, mediaId: '1037543291543636', phoneNumberId: '42' }).url,
      ).toBe('https://graph.example/v23.0/1037543291543636?phone_number_id=42');
    });

    it('should read where the bytes are and their type', () => {
      const answer = JSON.stringify({
        messaging_product: 'whatsapp',
        url: 'https://lookaside.example/whatsapp_business/attachments/?mid=1037',
        mime_type: 'image/jpeg',
        sha256: 'e3b0c442',
        file_size: '303833',
        id: '1037543291543636',
      });
      expect(readMediaLookup(200, answer)).toEqual({
        ok: true,
        url: 'https://lookaside.example/whatsapp_business/attachments/?mid=1037',
        mimeType: 'image/jpeg',
        fileSize: 303833,
      });
    });

    it('should read a failed or malformed lookup as a failure', () => {
      expect(readMediaLookup(400, graphError(100, '(#100) Unsupported get request'))).toMatchObject(
        { ok: false, outcome: 'final', code: 100 },
      );
      expect(readMediaLookup(200, '{"url":"javascript:alert(1)","mime_type":"x"}')).toMatchObject({
        ok: false,
        outcome: 'retry',
        code: 'invalid_answer',
      });
      expect(readMediaLookup(401, graphError(190, 'expired'))).toMatchObject({ outcome: 'auth' });
    });

    it('should download the bytes with the same bearer token', () => {
      expect(mediaDownloadRequest('https://lookaside.example/x', 'EAAtoken')).toEqual({
        method: 'GET',
        url: 'https://lookaside.example/x',
        headers: { Authorization: 'Bearer EAAtoken' },
      });
    });
  });

  describe('retryDelayMs', () => {
    it.each([
      [1, 500, 1_000],
      [2, 1_000, 2_000],
      [3, 2_000, 4_000],
      [9, 128_000, 256_000],
      [10, 150_000, 300_000],
      [30, 150_000, 300_000],
    ])('should wait after attempt %i between %i and %i ms', (attempt, low, high) => {
      expect(retryDelayMs(attempt, () => 0)).toBe(low);
      expect(retryDelayMs(attempt, () => 1)).toBe(high);
    });

    it('should never wait less than asked, and still grow past it', () => {
      expect(retryDelayMs(1, () => 0.5, PAIR_RATE_LIMIT_MS)).toBe(6_000);
      expect(retryDelayMs(5, () => 1, PAIR_RATE_LIMIT_MS)).toBe(16_000);
      expect(retryDelayMs(1, () => 0, 3_600_000)).toBe(300_000);
    });
  });
});
