import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  MAX_TEXT_CHARS,
  basicAuth,
  deliveryReport,
  form,
  parseJson,
  retryableStatus,
  type SmsDeliveryStatus,
  type SmsProvider,
} from './sms-provider';
import { fieldsOf, phoneField, text } from '../../provider-request';

/** Twilio's message statuses (those of a message we sent) as ours. */
const DELIVERY: Readonly<Record<string, SmsDeliveryStatus>> = {
  accepted: 'sent',
  scheduled: 'sent',
  queued: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  partially_delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token, of the full URL Twilio
 * called followed by every POST field (sorted by name) as name then value.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, unknown>,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + String(params[name]), url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, unknown>,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const want = Buffer.from(twilioSignature(authToken, url, params));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

const escapeXml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** The TwiML answer of a webhook: one `<Message>` per text. */
export function twimlReply(texts: readonly string[]): string {
  const messages = texts.map((t) => `<Message>${escapeXml(t)}</Message>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${messages}</Response>`;
}

/**
 * Twilio. Posts to the webhook (signed): inbound messages (form `From, To, Body, MessageSid`)
 * and status callbacks (`MessageSid, MessageStatus, ErrorCode`). Replies go back in the
 * webhook's answer as TwiML; the Messages API (`POST {api_base}/2010-04-01/Accounts/{sid}/
 * Messages.json`, form `To, From, Body`, Basic auth) sends when a reply cannot be inline.
 */
export const twilio: SmsProvider = {
  name: 'twilio',
  senderField: 'from',
  repliesInline: true,

  parse(body) {
    const f = fieldsOf(body);
    if (f.MessageStatus !== undefined && f.Body === undefined) {
      const status = (text(f, 'MessageStatus', true) ?? '').toLowerCase();
      const code = text(f, 'ErrorCode', false);
      const title = text(f, 'ErrorMessage', false);
      return deliveryReport(DELIVERY, text(f, 'MessageSid', true)!, status, {
        code: code || status,
        title: title || status,
      });
    }
    return {
      kind: 'message',
      message: {
        from: phoneField(f, 'From'),
        to: text(f, 'To', true)!,
        text: text(f, 'Body', false, MAX_TEXT_CHARS) ?? '',
        providerMessageId: text(f, 'MessageSid', true)!,
      },
    };
  },

  buildSend(credentials, apiBase, input) {
    return {
      method: 'POST',
      url: `${apiBase}/2010-04-01/Accounts/${encodeURIComponent(credentials.account_sid)}/Messages.json`,
      headers: {
        Authorization: basicAuth(credentials.account_sid, credentials.auth_token),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form({ To: input.to, From: input.from ?? credentials.from, Body: input.text }),
    };
  },

  readSendResponse(status, body) {
    const data = parseJson(body) as { sid?: string; code?: number; message?: string } | null;
    if (status === 200 || status === 201) return { ok: true, providerMessageId: data?.sid ?? null };
    return {
      ok: false,
      retryable: retryableStatus(status),
      code: String(data?.code ?? status),
      title: data?.message ?? `HTTP ${status}`,
    };
  },
};
