import type { GenericMessage } from '../generic-message';
import { isRecord } from './is-record';

const text = (v: unknown): v is string => typeof v === 'string';
const optionalText = (v: unknown) => v === undefined || typeof v === 'string';
const option = (o: unknown) => isRecord(o) && text(o.id) && o.id !== '' && text(o.title);

/**
 * Whether a message from outside the flow (a backend's response directives) is one the bot can
 * send: a known outbound type with the fields it needs, of the right types. Inbound-only types
 * (`button`, `sticker`) are not.
 */
export function isSendableMessage(m: unknown): m is GenericMessage {
  if (!isRecord(m)) return false;
  switch (m.type) {
    case 'text':
      return text(m.text);
    case 'buttons':
      return (
        text(m.text) && Array.isArray(m.buttons) && m.buttons.length > 0 && m.buttons.every(option)
      );
    case 'list':
      return (
        text(m.text) &&
        optionalText(m.button_text) &&
        Array.isArray(m.sections) &&
        m.sections.every(
          (s) =>
            isRecord(s) &&
            optionalText(s.title) &&
            Array.isArray(s.rows) &&
            s.rows.every(
              (r) => option(r) && optionalText((r as { description?: unknown }).description),
            ),
        )
      );
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
      return (
        (text(m.media_url) || text(m.media_id)) &&
        optionalText(m.media_caption) &&
        optionalText(m.media_filename) &&
        optionalText(m.mime_type)
      );
    case 'location':
      return (
        typeof m.latitude === 'number' &&
        typeof m.longitude === 'number' &&
        optionalText(m.name) &&
        optionalText(m.address)
      );
    case 'template':
      return (
        text(m.name) &&
        text(m.language) &&
        (m.components === undefined || Array.isArray(m.components)) &&
        optionalText(m.text)
      );
    default:
      return false;
  }
}
