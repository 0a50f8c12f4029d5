import {
  MAX_TEXT_CHARS,
  deliveryReport,
  form,
  parseJson,
  retryableStatus,
  type SmsDeliveryStatus,
  type SmsProvider,
} from './sms-provider';
import { ProviderRequestError, fieldsOf, phoneField, text } from '../../provider-request';

const DELIVERY: Readonly<Record<string, SmsDeliveryStatus>> = {
  Success: 'delivered',
  Sent: 'sent',
  Submitted: 'sent',
  Buffered: 'sent',
  Rejected: 'failed',
  Failed: 'failed',
  AbsentSubscriber: 'failed',
  Expired: 'failed',
};

/**
 * Africa's Talking. Posts to the webhook: inbound messages (form `from, to, text, date, id,
 * linkId`, `keyword` on premium messages), delivery reports (`id, status, failureReason`)
 * and bulk opt-outs (`senderId, phoneNumber`). Sends: POST `{api_base}/version1/messaging`,
 * form `username, to, message, from`, header `apiKey`; 201 with a status per recipient.
 */
export const africasTalking: SmsProvider = {
  name: 'africastalking',
  senderField: 'sender_id',
  repliesInline: false,

  parse(body) {
    const f = fieldsOf(body);
    if (f.text !== undefined || f.from !== undefined) {
      const linkId = text(f, 'linkId', false);
      const keyword = text(f, 'keyword', false);
      return {
        kind: 'message',
        message: {
          from: phoneField(f, 'from'),
          to: text(f, 'to', true)!,
          text: text(f, 'text', false, MAX_TEXT_CHARS) ?? '',
          providerMessageId: text(f, 'id', true)!,
          ...(linkId ? { linkId } : {}),
          ...(keyword ? { keyword } : {}),
        },
      };
    }
    if (f.status !== undefined) {
      const status = text(f, 'status', true)!;
      const reason = text(f, 'failureReason', false);
      return deliveryReport(DELIVERY, text(f, 'id', true)!, status, {
        code: status,
        title: reason || status,
      });
    }
    if (f.phoneNumber !== undefined)
      return { kind: 'opt_out', phone: phoneField(f, 'phoneNumber') };
    throw new ProviderRequestError(
      '',
      "Not an inbound message, delivery report or opt-out of Africa's Talking.",
    );
  },

  buildSend(credentials, apiBase, input) {
    const premium = input.linkId
      ? { keyword: input.keyword, linkId: input.linkId, bulkSMSMode: '0' }
      : {};
    return {
      method: 'POST',
      url: `${apiBase}/version1/messaging`,
      headers: {
        apiKey: credentials.api_key,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form({
        username: credentials.username,
        to: input.to,
        message: input.text,
        from: input.from ?? undefined,
        ...premium,
      }),
    };
  },

  readSendResponse(status, body) {
    if (status !== 200 && status !== 201)
      return {
        ok: false,
        retryable: retryableStatus(status),
        code: String(status),
        title: `HTTP ${status}`,
      };
    const data = parseJson(body) as {
      SMSMessageData?: {
        Message?: string;
        Recipients?: Array<{ statusCode?: number; status?: string; messageId?: string }>;
      };
    } | null;
    const recipient = data?.SMSMessageData?.Recipients?.[0];
    if (!recipient)
      return {
        ok: false,
        retryable: false,
        code: 'no_recipient',
        title: data?.SMSMessageData?.Message ?? 'No recipient in the answer',
      };
    const code = recipient.statusCode ?? 0;
    if (code >= 100 && code <= 102)
      return { ok: true, providerMessageId: recipient.messageId ?? null };
    return {
      ok: false,
      retryable: code >= 500,
      code: String(code),
      title: recipient.status ?? 'Failed',
    };
  },
};
