import {
  MAX_TEXT_CHARS,
  basicAuth,
  deliveryReport,
  parseJson,
  retryableStatus,
  type SmsDeliveryStatus,
  type SmsProvider,
} from './sms-provider';
import { fieldsOf, phoneField, text } from '../../provider-request';

const DELIVERY: Readonly<Record<string, SmsDeliveryStatus>> = {
  DELIVERED: 'delivered',
  PENDING: 'sent',
  SUBMITTED: 'sent',
  SENT: 'sent',
  UNDELIVERED: 'failed',
  REJECTED: 'failed',
  EXPIRED: 'failed',
  FAILED: 'failed',
};

/**
 * Beem (Tanzania). Posts to the webhook: two-way messages (JSON `from, to, message,
 * message_id`) and delivery reports (`request_id, recipient_id, dest_addr, status`). Sends:
 * POST `{api_base}/v1/send`, Basic auth (api key, secret key), JSON `{source_addr, encoding:
 * 0, message, recipients: [{recipient_id, dest_addr}]}`; `successful` and `request_id` back.
 * Reports name the send's `request_id`, which is stored as the provider's message id.
 */
export const beem: SmsProvider = {
  name: 'beem',
  senderField: 'sender_id',
  repliesInline: false,

  parse(body) {
    const f = fieldsOf(body);
    if (f.request_id !== undefined && f.status !== undefined) {
      const status = (text(f, 'status', true) ?? '').toUpperCase();
      return deliveryReport(DELIVERY, text(f, 'request_id', true)!, status, {
        code: status,
        title: status,
      });
    }
    const message =
      text(f, 'message', false, MAX_TEXT_CHARS) ?? text(f, 'text', false, MAX_TEXT_CHARS) ?? '';
    return {
      kind: 'message',
      message: {
        from: phoneField(f, 'from'),
        to: text(f, 'to', true)!,
        text: message,
        providerMessageId: text(f, 'message_id', true)!,
      },
    };
  },

  buildSend(credentials, apiBase, input) {
    return {
      method: 'POST',
      url: `${apiBase}/v1/send`,
      headers: {
        Authorization: basicAuth(credentials.api_key, credentials.secret_key),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        source_addr: input.from ?? credentials.sender_id,
        encoding: 0,
        message: input.text,
        recipients: [{ recipient_id: 1, dest_addr: input.to.replace(/[^0-9]/g, '') }],
      }),
    };
  },

  readSendResponse(status, body) {
    const data = parseJson(body) as {
      successful?: boolean;
      request_id?: number | string;
      code?: number;
      message?: string;
    } | null;
    if ((status === 200 || status === 201) && data?.successful === true)
      return {
        ok: true,
        providerMessageId: data.request_id === undefined ? null : String(data.request_id),
      };
    return {
      ok: false,
      retryable: retryableStatus(status),
      code: String(data?.code ?? status),
      title: data?.message ?? `HTTP ${status}`,
    };
  },
};
