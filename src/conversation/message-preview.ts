import { shortenText, type GenericMessage } from '../engine';
import type { StoredMessage } from './conversation.repository';

const MAX = 120;

function textOf(m: GenericMessage): string {
  switch (m.type) {
    case 'text':
    case 'buttons':
    case 'list':
    case 'button':
      return m.text;
    case 'image':
    case 'video':
      return m.media_caption ?? `[${m.type}]`;
    case 'document':
      return m.media_caption ?? m.media_filename ?? '[document]';
    case 'audio':
    case 'sticker':
      return `[${m.type}]`;
    case 'location':
      return m.name ?? '[location]';
    case 'template':
      return m.text ?? `[template ${m.name}]`;
  }
}

/** A short text of the last message of a turn, for conversation listings. */
export function messagePreview(rows: StoredMessage[]): string | null {
  const last = rows[rows.length - 1];
  return last ? previewText(last.message) : null;
}

/** A message as one short line of text. */
export function previewText(message: GenericMessage): string {
  return shortenText(textOf(message).replace(/\s+/g, ' ').trim(), MAX);
}
