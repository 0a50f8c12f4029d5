import { channelPreview, type WhatsAppBubble } from './channel-preview';
import { h, replaceChildren } from './dom';
import type { PreviewTurn } from './chat-view';
import type { FormattedTurn } from './trace-format';

export type TabName = 'trace' | 'ussd' | 'whatsapp' | 'sms';

export interface ChannelView {
  /** Shows the channel previews of a turn (null: none yet). */
  showTurn(turn: PreviewTurn | null, label: string): void;
  /** Redraws the trace list; `selected` is the turn shown in the previews. */
  showTrace(
    turns: Array<{ index: number; trace: FormattedTurn | null }>,
    selected: number | null,
  ): void;
  open(tab: TabName): void;
}

const TABS: Array<[TabName, string]> = [
  ['trace', 'Trace'],
  ['ussd', 'USSD'],
  ['whatsapp', 'WhatsApp'],
  ['sms', 'SMS'],
];

/**
 * The tabs under the preview chat: the engine's trace of every turn, and the selected turn
 * as USSD screens (paged), WhatsApp messages (adapted to its limits) and an SMS (with its
 * segment count), drawn from the channels' own renderers.
 */
export function createChannelView(tabsHost: HTMLElement, panelsHost: HTMLElement): ChannelView {
  const panels = new Map<TabName, HTMLElement>();
  const buttons = new Map<TabName, HTMLButtonElement>();
  tabsHost.setAttribute('role', 'tablist');
  tabsHost.setAttribute('aria-label', 'Trace and channel previews');
  for (const [name, title] of TABS) {
    const button = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${name}`,
        'aria-controls': `panel-${name}`,
        'data-testid': `tab-${name}`,
        onclick: () => open(name),
      },
      title,
    );
    const panel = h('div', {
      class: 'tab-panel',
      role: 'tabpanel',
      id: `panel-${name}`,
      'aria-labelledby': `tab-${name}`,
      'data-testid': `${name}-panel`,
    });
    buttons.set(name, button);
    panels.set(name, panel);
  }
  replaceChildren(tabsHost, ...buttons.values());
  replaceChildren(panelsHost, ...panels.values());
  tabsHost.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const names = TABS.map(([n]) => n);
    const now = names.findIndex((n) => buttons.get(n)!.getAttribute('aria-selected') === 'true');
    const next = names[(now + (event.key === 'ArrowRight' ? 1 : names.length - 1)) % names.length];
    open(next);
    buttons.get(next)!.focus();
  });

  function open(tab: TabName): void {
    for (const [name, button] of buttons) {
      const on = name === tab;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      panels.get(name)!.hidden = !on;
    }
  }
  open('trace');

  const empty = (text: string) => h('p', { class: 'caption' }, text);
  const panel = (name: TabName) => panels.get(name)!;

  return {
    open,
    showTurn(turn, label) {
      if (turn === null) {
        for (const name of ['ussd', 'whatsapp', 'sms'] as const)
          replaceChildren(
            panel(name),
            empty('Start a preview to see how each bot reply looks on this channel.'),
          );
        return;
      }
      let preview;
      try {
        preview = channelPreview(turn.messages, turn.status === 'ACTIVE');
      } catch (err) {
        for (const name of ['ussd', 'whatsapp', 'sms'] as const)
          replaceChildren(
            panel(name),
            empty(`This reply cannot be previewed: ${(err as Error).message}`),
          );
        return;
      }
      renderUssd(panel('ussd'), preview.ussd.screens, preview.ussd.ends, label);
      renderWhatsApp(panel('whatsapp'), preview.whatsapp.bubbles, preview.whatsapp.notes, label);
      const sms = preview.sms;
      replaceChildren(
        panel('sms'),
        h('p', { class: 'caption' }, `${label}: the reply as one SMS text (options numbered).`),
        sms.text === ''
          ? empty('Nothing would be sent.')
          : h('div', { class: 'sms', 'data-testid': 'sms-text' }, sms.text),
        h(
          'p',
          { class: 'sms-meta', 'data-testid': 'sms-segments', 'data-parts': sms.parts },
          `${sms.units} ${sms.encoding === 'GSM-7' ? 'GSM-7 characters' : 'UCS-2 units'} · ${sms.parts} segment${sms.parts === 1 ? '' : 's'} (${sms.encoding})`,
        ),
      );
    },
    showTrace(turns, selected) {
      const list = h('ol', {
        class: 'trace-list',
        'data-testid': 'trace-list',
        'aria-label': 'Engine trace by turn',
      });
      for (const { index, trace } of turns) {
        const title = index === 0 ? 'Start' : `Turn ${index}`;
        list.appendChild(
          h(
            'li',
            {
              class: `trace-turn${index === selected ? ' selected' : ''}`,
              'data-testid': 'trace-turn',
              'data-turn': index,
            },
            h(
              'h4',
              {},
              title,
              trace ? h('span', { class: 'badge' }, `${trace.durationMs} ms`) : null,
            ),
            trace
              ? h(
                  'ol',
                  {},
                  ...trace.lines.map((l) =>
                    h(
                      'li',
                      {
                        class: 'trace-line',
                        'data-testid': 'trace-line',
                        'data-kind': l.kind,
                        'data-tone': l.tone,
                      },
                      l.text,
                    ),
                  ),
                )
              : h('p', { class: 'caption' }, 'No trace recorded for this turn.'),
          ),
        );
      }
      replaceChildren(
        panel('trace'),
        turns.length === 0 ? empty('The engine’s steps of each preview turn appear here.') : list,
      );
      list.querySelector('.trace-turn.selected')?.scrollIntoView({ block: 'nearest' });
    },
  };
}

function renderUssd(host: HTMLElement, screens: string[], ends: boolean, label: string): void {
  let page = 0;
  const screen = h('div', { class: 'screen', 'data-testid': 'ussd-screen', 'aria-live': 'polite' });
  const counter = h('span', { 'data-testid': 'ussd-page' });
  const back = h(
    'button',
    { type: 'button', 'data-testid': 'ussd-back', onclick: () => go(page - 1) },
    '0 Back',
  );
  const more = h(
    'button',
    { type: 'button', 'data-testid': 'ussd-more', onclick: () => go(page + 1) },
    '98 More',
  );
  const go = (p: number) => {
    page = Math.max(0, Math.min(screens.length - 1, p));
    screen.textContent = screens[page] ?? '';
    counter.textContent = `Screen ${page + 1} of ${screens.length}`;
    back.disabled = page === 0;
    more.disabled = page >= screens.length - 1;
  };
  replaceChildren(
    host,
    h(
      'p',
      { class: 'caption' },
      `${label}: ${screens.length} screen${screens.length === 1 ? '' : 's'}${ends ? ', ends the session (cut to one screen)' : ''}.`,
    ),
    h(
      'div',
      { class: 'phone', 'data-testid': 'ussd-preview', 'data-screens': screens.length },
      screen,
      h('div', { class: 'pager' }, back, counter, more),
    ),
  );
  go(0);
}

function renderWhatsApp(
  host: HTMLElement,
  bubbles: WhatsAppBubble[],
  notes: string[],
  label: string,
): void {
  replaceChildren(
    host,
    h(
      'p',
      { class: 'caption' },
      `${label}: ${bubbles.length} WhatsApp message${bubbles.length === 1 ? '' : 's'}.`,
    ),
    notes.length > 0 &&
      h('div', { class: 'notes', 'data-testid': 'whatsapp-notes' }, notes.join(' ')),
    h(
      'div',
      { class: 'wa', 'data-testid': 'whatsapp-preview' },
      ...(bubbles.length === 0
        ? [h('div', { class: 'msg' }, '(nothing sent)')]
        : bubbles.map(waBubble)),
    ),
  );
}

function waBubble(b: WhatsAppBubble): HTMLElement {
  const msg = h('div', { class: 'msg', 'data-testid': 'whatsapp-bubble', 'data-kind': b.kind });
  switch (b.kind) {
    case 'text':
      msg.append(b.text);
      break;
    case 'buttons':
      msg.append(
        b.body,
        h(
          'div',
          { class: 'wa-buttons' },
          ...b.buttons.map((t) => h('div', { class: 'wa-button' }, t)),
        ),
      );
      break;
    case 'list':
      msg.append(
        b.body,
        h('div', { class: 'wa-buttons' }, h('div', { class: 'wa-button' }, `☰ ${b.button}`)),
        h(
          'ul',
          { class: 'wa-rows', 'aria-label': 'List rows' },
          ...b.sections.flatMap((s) => [
            s.title ? h('li', { class: 'wa-section' }, s.title) : null,
            ...s.rows.map((r) =>
              h(
                'li',
                { 'data-testid': 'whatsapp-row' },
                r.title,
                r.description ? h('small', {}, r.description) : null,
              ),
            ),
          ]),
        ),
      );
      break;
    case 'media':
      msg.append(
        `[${b.media}${b.filename ? `: ${b.filename}` : ''}]`,
        b.caption ? `\n${b.caption}` : '',
        b.source ? h('small', {}, `\n${b.source}`) : '',
      );
      break;
    case 'location':
      msg.append(
        `📍 ${[b.name, b.address].filter(Boolean).join(', ')} (${b.latitude}, ${b.longitude})`,
      );
      break;
  }
  return msg;
}
