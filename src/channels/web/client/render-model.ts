import type { GenericMessage } from '../../../engine/generic-message';
import { isWebUrl, linkify, type TextPart } from './linkify';

/** A choice the visitor can press: a button, or a list row (with its description). */
export interface ChoiceView {
  id: string;
  title: string;
  description?: string;
}

/** One visual block of a message bubble. The DOM layer draws each kind; nothing else. */
export type BlockView =
  | { kind: 'text'; parts: TextPart[] }
  | { kind: 'choices'; label: string; groups: { title?: string; choices: ChoiceView[] }[] }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'video'; src: string; label: string }
  | { kind: 'audio'; src: string; label: string }
  | { kind: 'link'; href: string; text: string; icon: 'document' | 'location' };

/** A message as the widget shows it: who sent it, and its blocks in order. */
export interface MessageView {
  from: 'bot' | 'user';
  /** Set for replies written by a person (responder HUMAN), shown as a small label. */
  agent?: string;
  blocks: BlockView[];
}

/** Options for describe(): inbound messages are the visitor's own (user bubbles). */
export interface DescribeOptions {
  from: 'bot' | 'user';
  /** `HUMAN` for a reply a person wrote (agent replies); `BOT` or absent otherwise. */
  responder?: string;
}

/**
 * Maps a GenericMessage to what the widget draws. Pure, so every message type is covered by
 * specs in node; URLs that are not http(s) are never turned into src/href (a flow author's
 * typo or a hostile value must not become a `javascript:` link).
 */
export function describeMessage(message: GenericMessage, opts: DescribeOptions): MessageView {
  const view: MessageView = { from: opts.from, blocks: blocksOf(message) };
  if (opts.from === 'bot' && opts.responder === 'HUMAN') view.agent = 'Agent';
  if (view.blocks.length === 0) view.blocks.push(text(`[${String(message.type)}]`));
  return view;
}

function blocksOf(m: GenericMessage): BlockView[] {
  switch (m.type) {
    case 'text':
    case 'button':
      return m.text ? [text(m.text)] : [];
    case 'buttons':
      return [
        ...(m.text ? [text(m.text)] : []),
        { kind: 'choices', label: m.text || 'Choices', groups: [{ choices: choices(m.buttons) }] },
      ];
    case 'list':
      return [
        ...(m.text ? [text(m.text)] : []),
        {
          kind: 'choices',
          label: m.button_text || m.text || 'Options',
          groups: (m.sections ?? []).map((s) => ({
            ...(s.title ? { title: s.title } : {}),
            choices: choices(s.rows),
          })),
        },
      ];
    case 'image':
    case 'sticker': {
      const caption = m.type === 'image' ? m.media_caption : undefined;
      const blocks: BlockView[] = isWebUrl(m.media_url)
        ? [
            {
              kind: 'image',
              src: m.media_url,
              alt: caption || (m.type === 'image' ? 'Image' : 'Sticker'),
            },
          ]
        : [text(m.type === 'image' ? '[Image]' : '[Sticker]')];
      if (caption) blocks.push(text(caption));
      return blocks;
    }
    case 'video':
      return media('video', m.media_url, m.media_caption, 'Video');
    case 'audio':
      return media('audio', m.media_url, undefined, 'Audio');
    case 'document': {
      const name = m.media_filename || 'Document';
      const blocks: BlockView[] = isWebUrl(m.media_url)
        ? [{ kind: 'link', href: m.media_url, text: name, icon: 'document' }]
        : [text(`[${name}]`)];
      if (m.media_caption) blocks.push(text(m.media_caption));
      return blocks;
    }
    case 'location':
      return location(m.latitude, m.longitude, m.name, m.address);
    case 'template':
      // WhatsApp's templates have no web form; their fallback text stands in.
      return m.text ? [text(m.text)] : [];
    default:
      return []; // a type newer than this widget: describeMessage shows its name
  }
}

function text(value: string): BlockView {
  return { kind: 'text', parts: linkify(value) };
}

function choices(
  list: { id: string; title: string; description?: string }[] | undefined,
): ChoiceView[] {
  return (list ?? []).map((c) => ({
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
  }));
}

function media(
  kind: 'video' | 'audio',
  url: string | undefined,
  caption: string | undefined,
  label: string,
): BlockView[] {
  const blocks: BlockView[] = isWebUrl(url)
    ? [{ kind, src: url, label: caption || label }]
    : [text(`[${label}]`)];
  if (caption) blocks.push(text(caption));
  return blocks;
}

function location(lat: number, lng: number, name?: string, address?: string): BlockView[] {
  const valid =
    Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  const label = [name, address].filter(Boolean).join(', ');
  if (!valid) return [text(label || '[Location]')];
  const coords = `${lat},${lng}`;
  return [
    {
      kind: 'link',
      // OpenStreetMap needs no key and opens on any device; the pin sits at the coordinates.
      href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`,
      text: label ? `${label} (${coords})` : coords,
      icon: 'location',
    },
  ];
}
