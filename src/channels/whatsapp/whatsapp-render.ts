import type { Button, GenericMessage, ListRow, ListSection } from '../../engine';
import { WHATSAPP_LIMITS as LIMITS } from '../../engine/limits/message-limits';
import { numberedMenu } from '../render/numbered-menu';

/**
 * One Graph API send: the message part of the request body (`type` and its object). The
 * request builder (graph-api.ts) adds `messaging_product`, `recipient_type` and the recipient.
 */
export interface WhatsAppPayload {
  body: Record<string, unknown>;
  /** Image, video, document or audio: the next send to that user waits for its `sent` status. */
  media: boolean;
}

/** The label of the list that 4–10 buttons become (buttons carry no list label of their own). */
export const BUTTONS_LIST_LABEL = 'Menu';

/**
 * The body of an interactive message whose text is empty: Meta refuses buttons and lists
 * without one, and a pointing hand needs no translation.
 */
export const EMPTY_INTERACTIVE_BODY = '👇';

const ELLIPSIS = '…';

/**
 * A GenericMessage as the Graph API sends it: none, one or several payloads, in order.
 * Nothing over WhatsApp's limits is sent as-is (channels.md › WhatsApp › Outbound):
 * - a text over 4096 characters goes as several texts, cut at a paragraph, else a line, a
 *   sentence or a word (a cut keeps at least half of the part), else between characters;
 * - 4–10 buttons (or buttons whose shortened titles would clash) go as a list; more than 10
 *   options, as buttons or list rows, go as numbered text (`1. Title`);
 * - titles over their limit are shortened with `…` (ids are kept, so routing still works); a
 *   list row whose title was shortened shows the whole title as its description, if it has none;
 * - an interactive body over 1024 characters, or a caption over 1024: its last paragraphs that
 *   fit (else lines, sentences, words) stay the body (or caption), and what comes before them
 *   goes first as texts, so nothing is lost or said twice;
 * - media with a `media_url` go by `link`, else by Meta's `media_id` (`id`); with neither, only
 *   the caption is sent, as a text;
 * - inbound-only types (`button`, `sticker`) render nothing, as does an empty text.
 * Characters are Unicode code points, and no cut ever splits one (nor a grapheme, such as an
 * emoji made of several code points, unless a single grapheme is longer than the limit).
 */
export function renderWhatsApp(message: GenericMessage): WhatsAppPayload[] {
  switch (message.type) {
    case 'text':
      return texts(message.text);
    case 'buttons':
      return renderButtons(message);
    case 'list':
      return renderList(message);
    case 'image':
    case 'video':
      return renderMedia(message.type, message.media_url, message.media_id, message.media_caption);
    case 'document':
      return renderMedia(
        'document',
        message.media_url,
        message.media_id,
        message.media_caption,
        message.media_filename,
      );
    case 'audio':
      return renderMedia('audio', message.media_url, message.media_id);
    case 'location':
      return renderLocation(message);
    case 'template':
      return [
        {
          body: {
            type: 'template',
            template: {
              name: message.name,
              language: { code: message.language },
              ...(message.components?.length ? { components: message.components } : {}),
            },
          },
          media: false,
        },
      ];
    case 'button':
    case 'sticker':
      return [];
  }
  // A type added to GenericMessage but not yet handled above (lint flags the switch): nothing.
  return [];
}

type ButtonsMessage = Extract<GenericMessage, { type: 'buttons' }>;
type ListMessage = Extract<GenericMessage, { type: 'list' }>;
type LocationMessage = Extract<GenericMessage, { type: 'location' }>;

/**
 * The longest option id sent to Meta: list rows take 200 characters (reply buttons 256, but
 * buttons may go as a list), so one bound serves both.
 */
const OPTION_ID_MAX = 200;

/**
 * Whether a menu goes as numbered text: more options than a list holds, or an option id
 * longer than Meta takes (ids are never shortened: routing depends on them; numbered text
 * keeps them on our side, in the session's channel state).
 */
export function sentAsNumberedText(message: GenericMessage): boolean {
  const options =
    message.type === 'buttons'
      ? message.buttons
      : message.type === 'list'
        ? message.sections.flatMap((s) => s.rows)
        : [];
  if (options.length > LIMITS.maxListRows) return true;
  return options.some((o) => countCodePoints(o.id) > OPTION_ID_MAX);
}

function renderButtons(message: ButtonsMessage): WhatsAppPayload[] {
  const { text, buttons } = message;
  if (buttons.length === 0) return texts(text);
  if (sentAsNumberedText(message)) return numberedText(message);
  const titles = buttons.map((b) => shorten(labelOf(b), LIMITS.buttonTitle));
  // Meta refuses two buttons with one title; a list can tell them apart by their descriptions.
  if (buttons.length > LIMITS.maxButtons || new Set(titles).size < titles.length)
    return renderList({
      type: 'list',
      text,
      button_text: BUTTONS_LIST_LABEL,
      sections: [{ rows: buttons }],
    });
  return interactive(text, (body) => ({
    type: 'button',
    body: { text: body },
    action: {
      buttons: buttons.map((b, i) => ({ type: 'reply', reply: { id: b.id, title: titles[i] } })),
    },
  }));
}

function renderList(message: ListMessage): WhatsAppPayload[] {
  const sections = message.sections.filter((s) => s.rows.length > 0);
  const rowCount = sections.reduce((n, s) => n + s.rows.length, 0);
  if (rowCount === 0) return texts(message.text);
  if (sentAsNumberedText(message)) return numberedText(message);
  return interactive(message.text, (body) => ({
    type: 'list',
    body: { text: body },
    action: {
      button: shorten(message.button_text.trim() || BUTTONS_LIST_LABEL, LIMITS.listButtonText),
      sections: listSections(sections),
    },
  }));
}

/**
 * Meta requires a title on every section when there are several: sections that are not all
 * titled are merged into one untitled section (their rows, in order).
 */
function listSections(sections: readonly ListSection[]): Record<string, unknown>[] {
  const allTitled = sections.every((s) => (s.title ?? '').trim() !== '');
  const shaped: readonly ListSection[] =
    sections.length === 1 || allTitled ? sections : [{ rows: sections.flatMap((s) => s.rows) }];
  return shaped.map((s) => ({
    ...((s.title ?? '').trim() !== '' ? { title: shorten(s.title!, LIMITS.sectionTitle) } : {}),
    rows: s.rows.map(listRow),
  }));
}

function listRow(row: ListRow): Record<string, unknown> {
  const title = labelOf(row);
  const description =
    (row.description ?? '').trim() !== ''
      ? row.description!
      : countCodePoints(title) > LIMITS.rowTitle
        ? title
        : undefined;
  return {
    id: row.id,
    title: shorten(title, LIMITS.rowTitle),
    ...(description !== undefined
      ? { description: shorten(description, LIMITS.rowDescription) }
      : {}),
  };
}

/** More options than a list holds: the message as `1. Title` lines, split like any text. */
function numberedText(message: ButtonsMessage | ListMessage): WhatsAppPayload[] {
  return texts(numberedMenu([message]).text);
}

/** An interactive message, after any texts its body did not fit in. */
function interactive(
  text: string,
  build: (body: string) => Record<string, unknown>,
): WhatsAppPayload[] {
  const { lead, tail } = leadAndTail(text, LIMITS.interactiveBody);
  return [
    ...lead,
    {
      body: { type: 'interactive', interactive: build(tail || EMPTY_INTERACTIVE_BODY) },
      media: false,
    },
  ];
}

function renderMedia(
  kind: 'image' | 'video' | 'document' | 'audio',
  url: string | undefined,
  id: string | undefined,
  caption?: string,
  filename?: string,
): WhatsAppPayload[] {
  const link = url?.trim();
  const mediaId = id?.trim();
  if (!link && !mediaId) return texts(caption ?? '');
  const { lead, tail } = leadAndTail(caption ?? '', LIMITS.caption);
  const name = filename?.trim();
  return [
    ...lead,
    {
      body: {
        type: kind,
        [kind]: {
          ...(link ? { link } : { id: mediaId }),
          ...(tail ? { caption: tail } : {}),
          ...(name ? { filename: name } : {}),
        },
      },
      media: true,
    },
  ];
}

function renderLocation(message: LocationMessage): WhatsAppPayload[] {
  const { latitude, longitude, name, address } = message;
  // Coordinates that are not numbers would be refused: say what is known of the place instead.
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
    return texts([name, address].filter((s) => (s ?? '').trim() !== '').join('\n'));
  return [
    {
      body: {
        type: 'location',
        location: {
          latitude,
          longitude,
          ...((name ?? '').trim() !== '' ? { name } : {}),
          ...((address ?? '').trim() !== '' ? { address } : {}),
        },
      },
      media: false,
    },
  ];
}

/** What a button or row shows: its title, or its id when the title is blank (Meta needs one). */
const labelOf = (option: Button | ListRow): string =>
  option.title.trim() !== '' ? option.title : option.id;

// ---------------------------------------------------------------------------------------------
// Cutting text by code points

/** A text as text messages of at most 4096 characters; none for a blank text. */
function texts(text: string): WhatsAppPayload[] {
  return splitText(text, LIMITS.text).map((body) => ({
    body: { type: 'text', text: { body } },
    media: false,
  }));
}

function splitText(text: string, max: number): string[] {
  if (text.trim() === '') return [];
  if (countCodePoints(text) <= max) return [text];
  return pieces(text, max).map((p) => text.slice(p.start, p.end));
}

/**
 * A text that must end in a field of `max` characters (an interactive body, a caption): the
 * field gets the last paragraphs that fit in it, else the last lines, sentences or words, else
 * the last `max` characters; what comes before goes first, as texts.
 */
function leadAndTail(text: string, max: number): { lead: WhatsAppPayload[]; tail: string } {
  if (text.trim() === '') return { lead: [], tail: '' };
  if (countCodePoints(text) <= max) return { lead: [], tail: text };
  const trimmed = text.trimEnd();
  if (countCodePoints(trimmed) <= max) return { lead: [], tail: trimmed };
  const start = tailStart(trimmed, max);
  return { lead: texts(trimmed.slice(0, start).trimEnd()), tail: trimmed.slice(start) };
}

/** Where the ending of `text` (longer than `max`) that goes in a field of `max` starts. */
function tailStart(text: string, max: number): number {
  const earliest = back(text, text.length, max);
  for (const pattern of BREAKS) {
    // The first break ending at or after `earliest`: from one character before it on.
    const re = new RegExp(pattern.source, 'g');
    re.lastIndex = back(text, earliest, 1);
    const match = re.exec(text);
    if (!match) continue;
    const start = match.index + match[0].length;
    if (start < text.length) return start;
  }
  for (const { index } of graphemes.segment(text)) if (index >= earliest) return index;
  return earliest;
}

/** A part of a text: UTF-16 offsets, end exclusive. */
interface Piece {
  start: number;
  end: number;
}

/**
 * Where a cut may fall, best first: each match is the white space between two parts (dropped
 * at the cut). A sentence ends with . ! ? … (or their CJK forms), perhaps closing quotes.
 */
const BREAKS: readonly RegExp[] = [
  /\n[^\S\n]*\n\s*/g,
  /\n\s*/g,
  /(?<=[.!?…。！？]["'”’»)\]]*)\s+/g,
  /\s+/g,
];

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` (longer than `max`) cut into parts of at most `max` characters, trimmed at the cuts. */
function pieces(text: string, max: number): Piece[] {
  const out: Piece[] = [];
  let start = skipSpace(text, 0);
  while (start < text.length) {
    const { end, next } = cutAfter(text, start, max);
    let trimmed = end;
    while (trimmed > start && /\s/.test(text[trimmed - 1])) trimmed--;
    if (trimmed > start) out.push({ start, end: trimmed });
    start = skipSpace(text, next);
  }
  return out;
}

/** The best cut of the part starting at `start`: where the part ends and the next one starts. */
function cutAfter(text: string, start: number, max: number): { end: number; next: number } {
  const limit = advance(text, start, max);
  if (limit >= text.length) return { end: text.length, next: text.length };
  // One character past the limit, so that white space right after it is a break too.
  const window = text.slice(start, limit + 1);
  const least = Math.ceil(max / 2);
  for (const pattern of BREAKS) {
    let last: RegExpExecArray | null = null;
    for (const match of window.matchAll(pattern)) if (match.index > 0) last = match;
    if (last && countCodePoints(window.slice(0, last.index)) >= least)
      return { end: start + last.index, next: start + last.index + last[0].length };
  }
  const end = graphemeBoundary(text, start, limit);
  return { end, next: end };
}

/**
 * The last grapheme boundary after `start` and at or before `limit`; `limit` itself when one
 * grapheme runs past it (never inside a code point: `limit` comes from `advance`).
 */
function graphemeBoundary(text: string, start: number, limit: number): number {
  const room = limit - start;
  let best = 0;
  for (const { index } of graphemes.segment(text.slice(start, advance(text, limit, 1))))
    if (index > 0 && index <= room) best = index;
  return best > 0 ? start + best : limit;
}

/** `text` shortened to `max` characters with a closing `…` when longer. */
function shorten(text: string, max: number): string {
  if (countCodePoints(text) <= max) return text;
  const end = graphemeBoundary(text, 0, advance(text, 0, max - 1));
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/** The offset `count` code points after `from` (or the end of the text). */
function advance(text: string, from: number, count: number): number {
  let i = from;
  for (let n = 0; n < count && i < text.length; n++) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  return i;
}

/** The offset `count` code points before `from` (or 0). */
function back(text: string, from: number, count: number): number {
  let i = from;
  for (let n = 0; n < count && i > 0; n++)
    i -=
      i > 1 && /[\uDC00-\uDFFF]/.test(text[i - 1]) && /[\uD800-\uDBFF]/.test(text[i - 2]) ? 2 : 1;
  return i;
}

function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; n++) i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  return n;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}
