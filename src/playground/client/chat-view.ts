import type { GenericMessage } from '../../engine';
import { h, replaceChildren } from './dom';

/** One exchange of the preview: what the user sent (none for the greeting) and the bot's answer. */
export interface PreviewTurn {
  index: number;
  user: string | null;
  messages: GenericMessage[];
  currentState: string | null;
  status: string;
}

export interface ChatView {
  clear(hint: string): void;
  addTurn(turn: PreviewTurn): void;
  note(text: string, tone?: 'info' | 'error'): void;
  /** Shows the turn as selected (its channel previews and trace are the ones shown). */
  select(index: number): void;
  /** A short line under a turn: where it ended and how long the engine took. */
  setMeta(index: number, text: string): void;
  typing(on: boolean): void;
}

/**
 * The preview conversation: user and bot bubbles, with every GenericMessage type drawn and
 * buttons and list rows clickable (`onOption` sends them as the Chat API's button press).
 */
export function createChatView(
  host: HTMLElement,
  onOption: (title: string, id: string) => void,
  onSelect: (index: number) => void,
): ChatView {
  const turns = new Map<number, HTMLElement>();
  const scroll = () => {
    host.scrollTop = host.scrollHeight;
  };
  return {
    clear(hint) {
      turns.clear();
      replaceChildren(host, h('p', { class: 'hint' }, hint));
    },
    addTurn(turn) {
      host.querySelector('.hint')?.remove();
      const group = h(
        'div',
        { class: 'turn', 'data-testid': 'preview-turn', 'data-turn': turn.index },
        turn.user !== null &&
          h('div', { class: 'bubble user', 'data-testid': 'user-message' }, turn.user),
        ...turn.messages.map((m) => botBubble(m, onOption)),
        turn.messages.length === 0 &&
          h('div', { class: 'bubble note' }, 'The bot sent nothing this turn.'),
        h(
          'button',
          {
            type: 'button',
            class: 'turn-meta',
            'data-testid': 'turn-meta',
            title: 'Show this turn’s trace and channel previews',
            onclick: () => onSelect(turn.index),
          },
          turn.currentState ? `→ ${turn.currentState}` : '',
        ),
      );
      turns.set(turn.index, group);
      host.appendChild(group);
      scroll();
    },
    note(text, tone = 'info') {
      host.querySelector('.hint')?.remove();
      host.appendChild(
        h(
          'div',
          {
            class: `bubble note ${tone === 'error' ? 'error' : ''}`.trim(),
            'data-testid': 'preview-note',
            role: tone === 'error' ? 'alert' : undefined,
          },
          text,
        ),
      );
      scroll();
    },
    select(index) {
      for (const [i, el] of turns) el.classList.toggle('selected', i === index);
    },
    setMeta(index, text) {
      const meta = turns.get(index)?.querySelector('.turn-meta');
      if (meta) meta.textContent = text;
    },
    typing(on) {
      host.querySelector('.typing')?.remove();
      if (on) {
        host.appendChild(
          h('div', { class: 'typing', 'aria-label': 'The bot is answering' }, 'typing…'),
        );
        scroll();
      }
    },
  };
}

function botBubble(
  message: GenericMessage,
  onOption: (title: string, id: string) => void,
): HTMLElement {
  const bubble = h('div', {
    class: 'bubble bot',
    'data-testid': 'bot-message',
    'data-type': message.type,
  });
  const option = (title: string, id: string, description?: string) =>
    h(
      'button',
      {
        type: 'button',
        'data-testid': 'preview-option',
        'data-id': id,
        onclick: () => onOption(title, id),
      },
      title || id,
      description ? h('small', {}, ` — ${description}`) : null,
    );
  switch (message.type) {
    case 'text':
      bubble.append(message.text);
      break;
    case 'buttons':
      bubble.append(
        message.text,
        h('div', { class: 'options' }, ...message.buttons.map((b) => option(b.title, b.id))),
      );
      break;
    case 'list':
      bubble.append(
        message.text,
        h(
          'div',
          { class: 'options', 'aria-label': message.button_text },
          ...message.sections.flatMap((s) => [
            s.title ? h('div', { class: 'section' }, s.title) : null,
            ...s.rows.map((r) => option(r.title, r.id, r.description)),
          ]),
        ),
      );
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document': {
      const caption = 'media_caption' in message ? message.media_caption : undefined;
      const name = message.type === 'document' ? message.media_filename : undefined;
      const label = `[${message.type}${name ? `: ${name}` : ''}]`;
      const url =
        message.media_url && /^https?:\/\//i.test(message.media_url) ? message.media_url : null;
      bubble.append(
        url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label) : label,
        caption ? `\n${caption}` : '',
      );
      break;
    }
    case 'location':
      bubble.append(
        `📍 ${[message.name, message.address].filter(Boolean).join(', ')} (${message.latitude}, ${message.longitude})`,
      );
      break;
    case 'button':
    case 'sticker':
      bubble.append(`[${message.type}]`);
      break;
    case 'template':
      bubble.append(message.text ?? `[WhatsApp template ${message.name}]`);
      break;
  }
  return bubble;
}
