import type { GenericMessage } from '../../engine';
import { normaliseReply } from '../../engine/input/normalise-reply';

/** An option shown as `n. Title`, and the id a reply of `n` (or its title, or its id) means. */
export interface MenuOption {
  number: string;
  id: string;
  title: string;
}

/** A turn's messages as plain text for a telephone screen or an SMS, with their options. */
export interface NumberedMenu {
  text: string;
  options: MenuOption[];
}

/**
 * Numbers 1–97 only: `98` and `0` are the paging controls of USSD screens (`98. More`,
 * `0. Back`), so options never collide with them. More options than that are left out.
 */
export const MAX_MENU_OPTIONS = 97;

/**
 * All messages of a turn in one text, one message per line: buttons and list rows become
 * `1. Title` lines numbered across the turn, media become their caption or file name, and a
 * location its name, address or coordinates.
 */
export function numberedMenu(messages: readonly GenericMessage[]): NumberedMenu {
  const lines: string[] = [];
  const options: MenuOption[] = [];
  const addOption = (id: string, title: string) => {
    if (options.length >= MAX_MENU_OPTIONS) return;
    const number = String(options.length + 1);
    options.push({ number, id, title });
    lines.push(`${number}. ${title}`);
  };
  const addText = (text: string | undefined) => {
    if (text !== undefined && text.trim() !== '') lines.push(text);
  };
  for (const m of messages) {
    switch (m.type) {
      case 'text':
        addText(m.text);
        break;
      case 'buttons':
        addText(m.text);
        for (const b of m.buttons) addOption(b.id, b.title);
        break;
      case 'list':
        addText(m.text);
        for (const section of m.sections) {
          addText(section.title);
          for (const row of section.rows) addOption(row.id, row.title);
        }
        break;
      case 'image':
      case 'video':
        addText(m.media_caption);
        break;
      case 'document':
        addText(m.media_caption ?? m.media_filename);
        break;
      case 'audio':
      case 'sticker':
        break;
      case 'template':
        addText(m.text);
        break;
      case 'location':
        addText(m.name ?? m.address ?? `${m.latitude},${m.longitude}`);
        break;
      case 'button':
        addText(m.text);
        break;
    }
  }
  return { text: lines.join('\n'), options };
}

/** The options a channel keeps with a session (`{options: [...]}`); none for any other value. */
export function storedOptions(stored: unknown): MenuOption[] {
  const options = (stored as { options?: unknown } | null)?.options;
  return Array.isArray(options) ? (options as MenuOption[]) : [];
}

/**
 * What a typed reply means against the options last shown: its number, its title or its id
 * (compared without case or accents) selects that option; anything else is plain text.
 */
export function readMenuReply(reply: string, options: readonly MenuOption[]): GenericMessage {
  const typed = reply.trim();
  const wanted = normaliseReply(typed);
  const chosen =
    options.find((o) => o.number === typed) ??
    options.find((o) => normaliseReply(o.title) === wanted) ??
    options.find((o) => normaliseReply(o.id) === wanted);
  if (chosen && typed !== '') return { type: 'button', text: chosen.title, button_id: chosen.id };
  return { type: 'text', text: reply };
}
