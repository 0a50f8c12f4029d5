import { signWhatsAppBody } from '../../src/channels/whatsapp/whatsapp-signature';

/**
 * Webhook bodies as Meta's WhatsApp Cloud API posts them (channels.md › WhatsApp Cloud API).
 * Each builder gives one change; `waEnvelope` puts changes into a body and `signedPost` signs
 * its bytes. A user is a phone number (`+255…` or digits) or, for a user with a username, a
 * business-scoped id (`TZ.…`): then Meta leaves out `from` and `wa_id`.
 *
 *   const { raw, headers } = signedPost(secret, waEnvelope(waText(PNID, '+255700000001', 'wamid.1', 'Hi')));
 */

export type Json = Record<string, unknown>;
/** One `entry[].changes[]` item. */
export interface WaChange {
  field: string;
  value: Json;
}

export interface WaMessageOptions {
  /** Profile name in `contacts[]` (default "Test User"). */
  name?: string;
  /** The message replied to (`context.id`). */
  contextId?: string;
  /** Unix seconds (default now). */
  timestamp?: number;
  /** The user's business-scoped id, sent beside a phone number. */
  bsuid?: string;
}

export type WaMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';
export type WaStatus = 'sent' | 'delivered' | 'read' | 'failed';

const WABA_ID = '102290129340398';
const BUSINESS_NUMBER = '15550783881';

const isBsuid = (user: string) => /^[A-Z]{2}\./.test(user);
const digits = (phone: string) => phone.replace(/[^0-9]/g, '');
const seconds = (at?: number) => String(at ?? Math.floor(Date.now() / 1000));
const metadata = (phoneNumberId: string) => ({
  display_phone_number: BUSINESS_NUMBER,
  phone_number_id: phoneNumberId,
});

/** `from` / `from_user_id` of a message, or `wa_id` / `user_id` of a contact. */
function identity(user: string, bsuid: string | undefined, phoneKey: string, idKey: string): Json {
  if (isBsuid(user)) return { [idKey]: user };
  return { [phoneKey]: digits(user), ...(bsuid ? { [idKey]: bsuid } : {}) };
}

function inbound(
  phoneNumberId: string,
  from: string,
  wamid: string,
  type: string,
  content: unknown,
  opts: WaMessageOptions = {},
): WaChange {
  const contact = {
    profile: { name: opts.name ?? 'Test User' },
    ...identity(from, opts.bsuid, 'wa_id', 'user_id'),
  };
  const message = {
    ...identity(from, opts.bsuid, 'from', 'from_user_id'),
    id: wamid,
    timestamp: seconds(opts.timestamp),
    ...(opts.contextId ? { context: { from: BUSINESS_NUMBER, id: opts.contextId } } : {}),
    type,
    [type]: content,
  };
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      contacts: [contact],
      messages: [message],
    },
  };
}

export const waText = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  body: string,
  opts?: WaMessageOptions,
) => inbound(phoneNumberId, from, wamid, 'text', { body }, opts);

export const waButtonReply = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  id: string,
  title: string,
  opts?: WaMessageOptions,
) =>
  inbound(
    phoneNumberId,
    from,
    wamid,
    'interactive',
    { type: 'button_reply', button_reply: { id, title } },
    opts,
  );

export const waListReply = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  id: string,
  title: string,
  description?: string,
  opts?: WaMessageOptions,
) =>
  inbound(
    phoneNumberId,
    from,
    wamid,
    'interactive',
    { type: 'list_reply', list_reply: { id, title, ...(description ? { description } : {}) } },
    opts,
  );

/** A template's quick-reply button. */
export const waLegacyButton = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  payload: string,
  text: string,
  opts?: WaMessageOptions,
) => inbound(phoneNumberId, from, wamid, 'button', { payload, text }, opts);

const DEFAULT_MIME: Record<WaMediaKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/pdf',
  sticker: 'image/webp',
};

export function waMedia(
  kind: WaMediaKind,
  phoneNumberId: string,
  from: string,
  wamid: string,
  media: { id: string; mime_type?: string; caption?: string; filename?: string },
  opts?: WaMessageOptions,
): WaChange {
  const extra = kind === 'sticker' ? { animated: false } : kind === 'audio' ? { voice: true } : {};
  const content = {
    mime_type: media.mime_type ?? DEFAULT_MIME[kind],
    sha256: 'V6TmOqzT7pOJ6UuGCJqYt5eZl4o1rpNq4TdkjaqaBdg=',
    ...media,
    ...extra,
  };
  return inbound(phoneNumberId, from, wamid, kind, content, opts);
}

/** Coordinates as numbers, or as the numeric strings some payloads carry. */
export const waLocation = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  location: {
    latitude: number | string;
    longitude: number | string;
    name?: string;
    address?: string;
  },
  opts?: WaMessageOptions,
) => inbound(phoneNumberId, from, wamid, 'location', location, opts);

/** A reaction to `reactedTo`; an empty emoji is a removed reaction (Meta omits the field). */
export const waReaction = (
  phoneNumberId: string,
  from: string,
  wamid: string,
  reactedTo: string,
  emoji: string,
  opts?: WaMessageOptions,
) =>
  inbound(
    phoneNumberId,
    from,
    wamid,
    'reaction',
    { message_id: reactedTo, ...(emoji ? { emoji } : {}) },
    opts,
  );

/** The system message of a user who changed number (no `contacts[]`, as Meta sends it). */
export function waUserChangedNumber(
  phoneNumberId: string,
  oldPhone: string,
  newPhone: string,
  wamid: string,
): WaChange {
  const system = {
    body: `User Test User changed from ${digits(oldPhone)} to ${digits(newPhone)}`,
    wa_id: digits(newPhone),
    type: 'user_changed_number',
  };
  const change = inbound(phoneNumberId, oldPhone, wamid, 'system', system);
  delete change.value.contacts;
  return change;
}

/** A delivery status of a message we sent to `recipient` (phone or business-scoped id). */
export function waStatus(
  phoneNumberId: string,
  wamid: string,
  status: WaStatus,
  recipient: string,
  error?: { code: number; title: string; details?: string },
): WaChange {
  const item = {
    id: wamid,
    status,
    timestamp: seconds(),
    ...identity(recipient, undefined, 'recipient_id', 'recipient_user_id'),
    ...(status === 'failed'
      ? {}
      : {
          pricing: {
            billable: false,
            pricing_model: 'PMP',
            category: 'service',
            type: 'free_customer_service',
          },
        }),
    ...(error
      ? {
          errors: [
            {
              code: error.code,
              title: error.title,
              message: error.title,
              error_data: { details: error.details ?? error.title },
            },
          ],
        }
      : {}),
  };
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: metadata(phoneNumberId), statuses: [item] },
  };
}

/** A text a person sent to `to` from the WhatsApp Business app (coexistence). */
export function waEcho(phoneNumberId: string, to: string, wamid: string, body: string): WaChange {
  const echo = {
    from: BUSINESS_NUMBER,
    ...identity(to, undefined, 'to', 'to_user_id'),
    id: wamid,
    timestamp: seconds(),
    type: 'text',
    text: { body },
  };
  return {
    field: 'smb_message_echoes',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata(phoneNumberId),
      message_echoes: [echo],
    },
  };
}

/** A webhook body: one entry of the business account holding these changes. */
export const waEnvelope = (...changes: WaChange[]) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: WABA_ID, changes }],
});

/**
 * The bytes and headers of Meta's POST: JSON with non-ASCII characters and `/` escaped as Meta
 * escapes them (so a server that re-serialises before verifying fails), signed with the app
 * secret. A Buffer or string body is sent as is (for malformed bodies).
 */
export function signedPost(
  appSecret: string,
  body: unknown,
): { raw: Buffer; headers: Record<string, string> } {
  const raw = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : metaJson(body), 'utf8');
  return {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWhatsAppBody(appSecret, raw),
    },
  };
}

const metaJson = (body: unknown): string =>
  JSON.stringify(body)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
