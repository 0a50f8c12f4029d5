import { storableText } from '../../common/input-scan';
import type { GenericMessage } from '../../engine';
import { ProviderRequestError } from '../provider-request';

/**
 * Reading a WhatsApp Cloud API webhook body into events, pure (channels.md › WhatsApp Cloud
 * API › Inbound). Only a wrong envelope (body, `entry`, `changes`, `field`) throws
 * ProviderRequestError: Meta retries a refused POST for days, so one malformed item must not
 * sink its valid siblings. It becomes an `invalid` event with the path of the offending field,
 * for the server to count.
 */

export type WhatsAppUserKind = 'phone' | 'bsuid';

export type WhatsAppEvent =
  | {
      kind: 'message';
      phoneNumberId: string;
      wamid: string;
      userId: string;
      userKind: WhatsAppUserKind;
      contactName?: string;
      /** Unix seconds. */
      timestamp: number;
      /** The message this one replies to. */
      contextId?: string;
      /** null: a type we cannot read (see `unsupportedType`). */
      message: GenericMessage | null;
      /** Meta's type, with its sub-type after a colon: `contacts`, `unsupported:poll_update`… */
      unsupportedType?: string;
    }
  | {
      kind: 'status';
      phoneNumberId: string;
      wamid: string;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      timestamp: number;
      recipientId?: string;
      error?: { code: number | string; title: string };
    }
  | {
      kind: 'reaction';
      phoneNumberId: string;
      wamid: string;
      userId: string;
      reactedTo: string;
      /** '' when the user removed their reaction. */
      emoji: string;
    }
  | {
      kind: 'user_changed';
      phoneNumberId: string;
      wamid: string;
      oldUserId: string;
      newUserId: string;
      newUserKind: WhatsAppUserKind;
    }
  | {
      kind: 'echo';
      phoneNumberId: string;
      wamid: string;
      userId: string;
      userKind: WhatsAppUserKind;
    }
  | { kind: 'error'; phoneNumberId?: string; code: number | string; title: string }
  /** `history`, `smb_app_state_sync`, or `field:<name>` for a field we do not read. */
  | { kind: 'ignored'; phoneNumberId?: string; reason: string }
  | { kind: 'invalid'; phoneNumberId?: string; path: string; message: string };

/**
 * Text bodies and captions over this are refused (as SMS texts are): WhatsApp lets users send up
 * to 65,536 characters, far more than a flow reads, and such a message is stored and replayed.
 */
const MAX_TEXT = 10_000;
/** Contact names are cut (not refused) to this many characters. */
const MAX_NAME = 256;
/** Button and list-row ids (as we send them) and media ids. */
const MAX_ID = 256;
const MAX_WAMID = 512;
/** Titles, payloads, file names, MIME types, place names and addresses. */
const MAX_SHORT = 1024;

const STATUSES: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);
const SYNC_FIELDS: ReadonlySet<string> = new Set(['history', 'smb_app_state_sync']);
/** Types whose `errors[]` only say why Meta could not give us the content. */
const UNREADABLE_TYPES: ReadonlySet<string> = new Set(['unsupported', 'unknown']);
const PHONE = /^\+?([0-9]{5,15})$/;
/** A business-scoped user id: country code, `.`, (`ENT.` for a parent id), up to 128 characters. */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;
const NUMERIC = /^\s*-?[0-9]+(?:\.[0-9]+)?\s*$/;

type Fields = Record<string, unknown>;
type Sender = { userId: string; userKind: WhatsAppUserKind };
type Contact = { waId?: string; userId?: string; name?: string };
type Content = { message: GenericMessage } | { unsupportedType: string };

/** Every event of a webhook body, in order: each change's messages, statuses, then errors. */
export function readWhatsAppWebhook(body: unknown): WhatsAppEvent[] {
  if (!isFields(body)) fail('', 'The request body must be a JSON object.');
  if (!Array.isArray(body.entry)) fail('entry', 'entry must be an array.');
  return body.entry.flatMap((entry, i) => readEntry(entry, `entry[${i}]`));
}

function readEntry(entry: unknown, path: string): WhatsAppEvent[] {
  if (!isFields(entry)) fail(path, `${path} must be an object.`);
  if (!Array.isArray(entry.changes)) fail(`${path}.changes`, 'changes must be an array.');
  return entry.changes.flatMap((change, i) => readChange(change, `${path}.changes[${i}]`));
}

function readChange(change: unknown, path: string): WhatsAppEvent[] {
  if (!isFields(change)) fail(path, `${path} must be an object.`);
  const field = change.field;
  if (typeof field !== 'string' || field === '') fail(`${path}.field`, 'field must be a string.');
  const valuePath = `${path}.value`;
  if (field === 'messages' || field === 'smb_message_echoes') {
    return guarded(undefined, () => {
      const value = fieldsAt(change.value, valuePath);
      const phoneNumberId = phoneNumberIdOf(value, valuePath);
      return field === 'messages'
        ? readMessagesValue(value, valuePath, phoneNumberId)
        : eachItem(value, 'message_echoes', valuePath, phoneNumberId, readEcho);
    });
  }
  const reason = SYNC_FIELDS.has(field) ? field : `field:${field}`;
  return [
    compact<WhatsAppEvent>({
      kind: 'ignored',
      phoneNumberId: anyPhoneNumberId(change.value),
      reason,
    }),
  ];
}

function readMessagesValue(value: Fields, path: string, phoneNumberId: string): WhatsAppEvent[] {
  const contacts = readContacts(value.contacts);
  return [
    ...eachItem(value, 'messages', path, phoneNumberId, (m, p) =>
      readMessage(m, p, phoneNumberId, contacts),
    ),
    ...eachItem(value, 'statuses', path, phoneNumberId, readStatus),
    ...eachItem(value, 'errors', path, phoneNumberId, (e, p) => [readError(e, p, phoneNumberId)]),
  ];
}

/** Reads each item of `value[key]` on its own: a bad one becomes an `invalid` event. */
function eachItem(
  value: Fields,
  key: string,
  path: string,
  phoneNumberId: string,
  read: (item: Fields, path: string, phoneNumberId: string) => WhatsAppEvent[] | WhatsAppEvent,
): WhatsAppEvent[] {
  const list = value[key];
  const listPath = `${path}.${key}`;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [invalid(phoneNumberId, listPath, `${key} must be an array.`)];
  return list.flatMap((item, i) => {
    const itemPath = `${listPath}[${i}]`;
    return guarded(phoneNumberId, () => read(fieldsAt(item, itemPath), itemPath, phoneNumberId));
  });
}

function guarded(
  phoneNumberId: string | undefined,
  read: () => WhatsAppEvent[] | WhatsAppEvent,
): WhatsAppEvent[] {
  try {
    const events = read();
    return Array.isArray(events) ? events : [events];
  } catch (err) {
    if (err instanceof ProviderRequestError) return [invalid(phoneNumberId, err.path, err.message)];
    throw err;
  }
}

// --- messages -------------------------------------------------------------------------------

function readMessage(
  m: Fields,
  path: string,
  phoneNumberId: string,
  contacts: readonly Contact[],
): WhatsAppEvent[] {
  const wamid = requiredText(m, 'id', path, MAX_WAMID);
  const type = requiredText(m, 'type', path, 64);
  if (type === 'reaction') return [readReaction(m, path, phoneNumberId, wamid, contacts)];
  if (type === 'system') {
    const changed = readUserChanged(m, path, phoneNumberId, wamid);
    if (changed) return [changed];
  }
  const sender = senderOf(m, path, contacts);
  const timestamp = unixSeconds(m, 'timestamp', path);
  const context = optionalFields(m, 'context', path);
  const contextId = context && text(context, 'id', `${path}.context`, MAX_WAMID);
  const content = readContent(m, type, path);
  const event = compact<WhatsAppEvent>({
    kind: 'message',
    phoneNumberId,
    wamid,
    ...sender,
    contactName: contactNameOf(contacts, sender, m),
    timestamp,
    contextId: contextId || undefined,
    message: 'message' in content ? content.message : null,
    unsupportedType: 'unsupportedType' in content ? content.unsupportedType : undefined,
  });
  // An unreadable message's errors (131051, 131060) say why; they are not faults to count.
  const errors = UNREADABLE_TYPES.has(type) ? [] : errorList(m, path, phoneNumberId);
  return [event, ...errors];
}

function readContent(m: Fields, type: string, path: string): Content {
  switch (type) {
    case 'text':
      return {
        message: {
          type: 'text',
          text: requiredText(child(m, 'text', path), 'body', `${path}.text`, MAX_TEXT),
        },
      };
    case 'interactive':
      return readInteractive(child(m, 'interactive', path), `${path}.interactive`);
    case 'button':
      return { message: readLegacyButton(child(m, 'button', path), `${path}.button`) };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return { message: readMedia(type, child(m, type, path), `${path}.${type}`) };
    case 'location':
      return { message: readLocation(child(m, 'location', path), `${path}.location`) };
    default:
      return { unsupportedType: withSubType(type, m[type]) };
  }
}

/** A reply button or list row pressed: its id, and its title as the text. */
function readInteractive(i: Fields, path: string): Content {
  const kind = requiredText(i, 'type', path, 64);
  if (kind !== 'button_reply' && kind !== 'list_reply')
    return { unsupportedType: `interactive:${kind}` };
  const reply = child(i, kind, path);
  const replyPath = `${path}.${kind}`;
  return {
    message: {
      type: 'button',
      button_id: requiredText(reply, 'id', replyPath, MAX_ID),
      text: requiredText(reply, 'title', replyPath, MAX_SHORT),
    },
  };
}

/** A template's quick-reply button: `payload` is its id (its text when it has no payload). */
function readLegacyButton(b: Fields, path: string): GenericMessage {
  const title = requiredText(b, 'text', path, MAX_SHORT);
  const payload = text(b, 'payload', path, MAX_SHORT);
  return { type: 'button', button_id: payload || title, text: title };
}

function readMedia(
  type: 'image' | 'video' | 'audio' | 'document' | 'sticker',
  media: Fields,
  path: string,
): GenericMessage {
  const base = {
    media_id: requiredText(media, 'id', path, MAX_ID),
    mime_type: text(media, 'mime_type', path, MAX_SHORT),
  };
  switch (type) {
    case 'image':
    case 'video':
      return compact({ type, ...base, media_caption: text(media, 'caption', path, MAX_TEXT) });
    case 'document':
      return compact({
        type,
        ...base,
        media_caption: text(media, 'caption', path, MAX_TEXT),
        media_filename: text(media, 'filename', path, MAX_SHORT),
      });
    case 'audio':
    case 'sticker':
      return compact({ type, ...base });
  }
}

function readLocation(l: Fields, path: string): GenericMessage {
  return compact({
    type: 'location',
    latitude: coordinate(l, 'latitude', path, 90),
    longitude: coordinate(l, 'longitude', path, 180),
    name: text(l, 'name', path, MAX_SHORT),
    address: text(l, 'address', path, MAX_SHORT),
  });
}

function readReaction(
  m: Fields,
  path: string,
  phoneNumberId: string,
  wamid: string,
  contacts: readonly Contact[],
): WhatsAppEvent {
  const { userId } = senderOf(m, path, contacts);
  const reaction = child(m, 'reaction', path);
  const reactionPath = `${path}.reaction`;
  return {
    kind: 'reaction',
    phoneNumberId,
    wamid,
    userId,
    reactedTo: requiredText(reaction, 'message_id', reactionPath, MAX_WAMID),
    emoji: text(reaction, 'emoji', reactionPath, 64) ?? '',
  };
}

/**
 * `user_changed_number`: the old id is the sender's (`from`, or the previous business-scoped id
 * for a user without a visible number), the new one the number in `system.wa_id` (`new_wa_id`
 * before Graph API v12). `user_changed_user_id`: `system.previous_user_id` → `system.user_id`.
 * Other system messages are left to readContent (unsupported).
 */
function readUserChanged(
  m: Fields,
  path: string,
  phoneNumberId: string,
  wamid: string,
): WhatsAppEvent | undefined {
  const system = child(m, 'system', path);
  const systemPath = `${path}.system`;
  const type = text(system, 'type', systemPath, 64);
  if (type === 'user_changed_number') {
    const newKey =
      system.wa_id === undefined && system.new_wa_id !== undefined ? 'new_wa_id' : 'wa_id';
    const old =
      m.from === undefined && system.previous_user_id !== undefined
        ? bsuid(system, 'previous_user_id', systemPath)
        : senderOf(m, path, []).userId;
    const newUserId = phone(system, newKey, systemPath);
    return {
      kind: 'user_changed',
      phoneNumberId,
      wamid,
      oldUserId: old,
      newUserId,
      newUserKind: 'phone',
    };
  }
  if (type === 'user_changed_user_id') {
    return {
      kind: 'user_changed',
      phoneNumberId,
      wamid,
      oldUserId: bsuid(system, 'previous_user_id', systemPath),
      newUserId: bsuid(system, 'user_id', systemPath),
      newUserKind: 'bsuid',
    };
  }
  return undefined;
}

// --- statuses, errors, echoes ----------------------------------------------------------------

function readStatus(s: Fields, path: string, phoneNumberId: string): WhatsAppEvent {
  const wamid = requiredText(s, 'id', path, MAX_WAMID);
  const status = requiredText(s, 'status', path, 64);
  if (!STATUSES.has(status))
    fail(`${path}.status`, 'status must be one of: sent, delivered, read, failed.');
  const recipientId =
    s.recipient_id !== undefined
      ? phone(s, 'recipient_id', path)
      : s.recipient_user_id !== undefined
        ? bsuid(s, 'recipient_user_id', path)
        : undefined;
  const [first] = errorList(s, path, phoneNumberId);
  return compact<WhatsAppEvent>({
    kind: 'status',
    phoneNumberId,
    wamid,
    status: status as 'sent' | 'delivered' | 'read' | 'failed',
    timestamp: unixSeconds(s, 'timestamp', path),
    recipientId,
    error: first?.kind === 'error' ? { code: first.code, title: first.title } : undefined,
  });
}

function errorList(o: Fields, path: string, phoneNumberId: string): WhatsAppEvent[] {
  if (o.errors === undefined) return [];
  if (!Array.isArray(o.errors)) fail(`${path}.errors`, 'errors must be an array.');
  return o.errors.map((e, i) => {
    const errorPath = `${path}.errors[${i}]`;
    return readError(fieldsAt(e, errorPath), errorPath, phoneNumberId);
  });
}

/**
 * Meta's error object: `code` (a number, kept a number as Meta documents it; a string is
 * taken as given) and `title` (or `message`).
 */
function readError(e: Fields, path: string, phoneNumberId: string): WhatsAppEvent {
  const code = e.code;
  if (
    !(typeof code === 'number' && Number.isInteger(code)) &&
    !(typeof code === 'string' && code !== '' && code.length <= 64)
  )
    fail(`${path}.code`, 'code must be a number.');
  const title = text(e, 'title', path, MAX_SHORT) ?? text(e, 'message', path, MAX_SHORT) ?? '';
  return { kind: 'error', phoneNumberId, code, title };
}

/** A message a person sent from the WhatsApp Business app: the customer is its `to`. */
function readEcho(e: Fields, path: string, phoneNumberId: string): WhatsAppEvent {
  const wamid = requiredText(e, 'id', path, MAX_WAMID);
  const customer: Sender =
    e.to !== undefined
      ? { userId: phone(e, 'to', path), userKind: 'phone' }
      : e.to_user_id !== undefined
        ? { userId: bsuid(e, 'to_user_id', path), userKind: 'bsuid' }
        : fail(`${path}.to`, 'to (or to_user_id) is required.');
  return { kind: 'echo', phoneNumberId, wamid, ...customer };
}

// --- identity -------------------------------------------------------------------------------

/**
 * The phone number (`from`, as `+digits`) when Meta shares it, else the business-scoped id
 * (`from_user_id`, or the user id of the value's only contact), kept as sent.
 */
function senderOf(m: Fields, path: string, contacts: readonly Contact[]): Sender {
  if (m.from !== undefined) return { userId: phone(m, 'from', path), userKind: 'phone' };
  if (m.from_user_id !== undefined)
    return { userId: bsuid(m, 'from_user_id', path), userKind: 'bsuid' };
  const only = contacts.length === 1 ? contacts[0].userId : undefined;
  if (only !== undefined) return { userId: only, userKind: 'bsuid' };
  fail(`${path}.from`, 'from (or from_user_id) is required.');
}

/** `contacts[]` read leniently: an unreadable entry only costs the sender's name. */
function readContacts(list: unknown): Contact[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isFields).map((c) => {
    const waId = typeof c.wa_id === 'string' || typeof c.wa_id === 'number' ? String(c.wa_id) : '';
    const userId = typeof c.user_id === 'string' && BSUID.test(c.user_id) ? c.user_id : undefined;
    const name =
      isFields(c.profile) && typeof c.profile.name === 'string' ? storableText(c.profile.name) : '';
    return compact({
      waId: PHONE.exec(waId)?.[1],
      userId,
      name: name.trim() === '' ? undefined : [...name].slice(0, MAX_NAME).join(''),
    });
  });
}

function contactNameOf(
  contacts: readonly Contact[],
  sender: Sender,
  m: Fields,
): string | undefined {
  const digits = sender.userKind === 'phone' ? sender.userId.slice(1) : undefined;
  const contact = contacts.find(
    (c) =>
      (digits !== undefined && c.waId === digits) ||
      (c.userId !== undefined && (c.userId === sender.userId || c.userId === m.from_user_id)),
  );
  return contact?.name;
}

function phoneNumberIdOf(value: Fields, path: string): string {
  const metadata = child(value, 'metadata', path);
  const id = metadata.phone_number_id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return String(id);
  return requiredText(metadata, 'phone_number_id', `${path}.metadata`, 64);
}

/** The number of a change we ignore, when it has a readable one (for counting per integration). */
function anyPhoneNumberId(value: unknown): string | undefined {
  if (!isFields(value)) return undefined;
  try {
    return phoneNumberIdOf(value, '');
  } catch {
    return undefined;
  }
}

// --- fields ---------------------------------------------------------------------------------

function fail(path: string, message: string): never {
  throw new ProviderRequestError(path, message);
}

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldsAt(value: unknown, path: string): Fields {
  if (!isFields(value)) fail(path, `${path.slice(path.lastIndexOf('.') + 1)} must be an object.`);
  return value;
}

const child = (o: Fields, key: string, path: string): Fields => fieldsAt(o[key], `${path}.${key}`);

function optionalFields(o: Fields, key: string, path: string): Fields | undefined {
  return o[key] === undefined ? undefined : child(o, key, path);
}

/** An optional string field, at most `max` characters. */
function text(o: Fields, key: string, path: string, max: number): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`${path}.${key}`, `${key} must be a string.`);
  if (value.length > max) fail(`${path}.${key}`, `${key} is longer than ${max} characters.`);
  return storableText(value);
}

function requiredText(o: Fields, key: string, path: string, max: number): string {
  const value = text(o, key, path, max);
  if (value === undefined || value === '') fail(`${path}.${key}`, `${key} is required.`);
  return value;
}

/** A phone number as Meta sends it (digits) → `+digits`, the user id on every channel. */
function phone(o: Fields, key: string, path: string): string {
  const value = o[key];
  const digits =
    typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value))
      ? PHONE.exec(String(value))?.[1]
      : undefined;
  if (digits === undefined) fail(`${path}.${key}`, `${key} must be a phone number (digits).`);
  return `+${digits}`;
}

function bsuid(o: Fields, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string' || !BSUID.test(value))
    fail(`${path}.${key}`, `${key} must be a business-scoped user id (CC.id).`);
  return value;
}

function unixSeconds(o: Fields, key: string, path: string): number {
  const value = o[key];
  const seconds = typeof value === 'string' && /^[0-9]{1,12}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0)
    fail(`${path}.${key}`, `${key} must be a unix time in seconds.`);
  return seconds;
}

/** A latitude or longitude: a number or a numeric string, within ±limit. */
function coordinate(o: Fields, key: string, path: string, limit: number): number {
  const value = o[key];
  const n = typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit)
    fail(`${path}.${key}`, `${key} must be a number from -${limit} to ${limit}.`);
  return n;
}

/** `unsupported:poll_update`, `system:customer_identity_changed`, or the type alone. */
function withSubType(type: string, body: unknown): string {
  const sub = isFields(body) && typeof body.type === 'string' ? body.type.slice(0, 64) : '';
  return sub === '' ? type : `${type}:${sub}`;
}

const invalid = (phoneNumberId: string | undefined, path: string, message: string): WhatsAppEvent =>
  compact<WhatsAppEvent>({ kind: 'invalid', phoneNumberId, path, message });

/** The object without its undefined fields (optional fields are absent, not undefined). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
