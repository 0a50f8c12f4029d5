/**
 * What every SMS provider file provides: the parser of what the provider posts to our
 * webhook (messages, delivery reports, opt-outs), and the request and response of its send
 * API. Pure: no I/O. The channel service does the rest.
 */

/** An inbound SMS, read. */
export interface SmsInbound {
  /** The sender's number as the provider sent it (checked by `phoneField`). */
  from: string;
  /** Our number or short code it was sent to. */
  to: string;
  text: string;
  providerMessageId: string;
  /** Africa's Talking premium (short code keyword) messages: echoed in the reply. */
  linkId?: string;
  keyword?: string;
}

export type SmsDeliveryStatus = 'sent' | 'delivered' | 'failed';

/** Anything the provider posts to the webhook. */
export type SmsWebhookEvent =
  | { kind: 'message'; message: SmsInbound }
  | {
      kind: 'status';
      providerMessageId: string;
      status: SmsDeliveryStatus;
      error?: { code: string; title: string };
    }
  /** A delivery report whose status is none the provider's table knows (`status`: as sent). */
  | { kind: 'unknown_status'; providerMessageId: string; status: string }
  | { kind: 'opt_out'; phone: string };

/**
 * A delivery report read through the provider's table of statuses; a failure carries `error`
 * (the provider's code and reason). A status the table does not know is `unknown_status`,
 * not a malformed request: providers add statuses, and a 4xx only makes their gateways retry
 * or complain about a report that is well formed. Its message is left as it is.
 */
export function deliveryReport(
  table: Readonly<Record<string, SmsDeliveryStatus>>,
  providerMessageId: string,
  status: string,
  error: { code: string; title: string },
): SmsWebhookEvent {
  // Own keys only: "constructor" is no status.
  if (!Object.hasOwn(table, status)) return { kind: 'unknown_status', providerMessageId, status };
  const mapped = table[status];
  return {
    kind: 'status',
    providerMessageId,
    status: mapped,
    ...(mapped === 'failed' ? { error } : {}),
  };
}

/** One reply to send. */
export interface SmsSendInput {
  to: string;
  text: string;
  /** The sender id, short code or number; null for the provider's default. */
  from: string | null;
  linkId?: string;
  keyword?: string;
}

export interface SmsHttpRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type SmsSendResult =
  | { ok: true; providerMessageId: string | null }
  | { ok: false; retryable: boolean; code: string; title: string };

export interface SmsProvider {
  /** The `provider` value of the integration. */
  readonly name: string;
  /** The credential field that names the sender (`sender_id`, `from`). */
  readonly senderField: string;
  /** True when replies go in the webhook's own response (Twilio's TwiML). */
  readonly repliesInline: boolean;
  /** Reads a webhook POST; throws ProviderRequestError (a 400 with its path) when it is malformed. */
  parse(body: unknown): SmsWebhookEvent;
  /** The send API request for one reply. */
  buildSend(
    credentials: Record<string, string>,
    apiBase: string,
    input: SmsSendInput,
  ): SmsHttpRequest;
  /** What the send API's answer means (status 0: no answer). */
  readSendResponse(status: number, body: string): SmsSendResult;
}

/** The longest text read from a provider: far above any SMS, far below the body limit. */
export const MAX_TEXT_CHARS = 10_000;

/** Whether an HTTP status (0: no answer) is worth another try. */
export const retryableStatus = (status: number): boolean =>
  status === 0 || status === 408 || status === 429 || status >= 500;

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

export const form = (fields: Record<string, string | undefined>): string =>
  new URLSearchParams(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
  ).toString();

export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
