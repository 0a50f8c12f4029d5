import type { ThemeColors } from './contrast';
import { el, icon, ICONS } from './dom';
import { renderMessage } from './message-dom';
import type { MessageView } from './render-model';
import type { OutgoingMessage } from './widget-api';
import type { ChatView, DrawnMessage } from './widget-controller';
import { widgetCss } from './widget-styles';

export interface WidgetViewOptions {
  title: string;
  colors: ThemeColors;
  position: 'left' | 'right';
  onOpen(): void;
  onSend(message: OutgoingMessage): void;
}

/** Longest message the Chat API takes (docs/web.md: "message length as the Chat API"). */
const MAX_LENGTH = 4096;

/**
 * The widget's DOM: a launcher and a chat panel in an open shadow root (the host page's CSS
 * cannot reach in, ours cannot leak out; open so tests and assistive tools can see inside).
 */
export class WidgetView implements ChatView {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly log: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly noticeBox: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly title: string;
  /** Says "new message" while the panel, and so its aria-live log, is hidden. */
  private readonly announcer: HTMLElement;

  constructor(
    private readonly doc: Document,
    private readonly opts: WidgetViewOptions,
  ) {
    this.title = opts.title || 'Chat';
    // A custom tag: host-page rules for `div` and the like do not match it.
    this.host = doc.createElement('sarufi-chat-widget');
    this.root = this.host.attachShadow({ mode: 'open' });
    const panelId = 'sarufi-chat-panel';

    this.launcher = el(doc, 'button', {
      type: 'button',
      class: 'launcher',
      'data-testid': 'launcher',
      'aria-expanded': 'false',
      'aria-controls': panelId,
    });
    this.launcher.append(icon(doc, ICONS.chat, 28));
    this.setLauncherLabel(false);
    this.launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));

    const close = el(
      doc,
      'button',
      { type: 'button', class: 'close', 'data-testid': 'close', 'aria-label': 'Close chat' },
      icon(doc, ICONS.close, 22),
    );
    close.addEventListener('click', () => this.close());

    this.log = el(doc, 'div', {
      class: 'log',
      'data-testid': 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': 'Messages',
      // Focusable so keyboard users can scroll a long conversation.
      tabindex: '0',
    });
    this.typing = el(
      doc,
      'div',
      {
        class: 'typing',
        'data-testid': 'typing',
        role: 'status',
        'aria-label': `${this.title} is typing`,
        hidden: true,
      },
      el(doc, 'span', { 'aria-hidden': 'true' }),
      el(doc, 'span', { 'aria-hidden': 'true' }),
      el(doc, 'span', { 'aria-hidden': 'true' }),
    );
    this.noticeBox = el(doc, 'div', {
      class: 'notice',
      'data-testid': 'notice',
      role: 'status',
      hidden: true,
    });

    this.input = el(doc, 'input', {
      class: 'input',
      'data-testid': 'input',
      type: 'text',
      dir: 'auto',
      'aria-label': 'Your message',
      placeholder: 'Type your message…',
      maxlength: String(MAX_LENGTH),
      autocomplete: 'off',
      enterkeyhint: 'send',
    });
    const send = el(
      doc,
      'button',
      { type: 'submit', class: 'send', 'data-testid': 'send', 'aria-label': 'Send message' },
      icon(doc, ICONS.send, 22),
    );
    const form = el(
      doc,
      'form',
      { class: 'composer', 'data-testid': 'composer' },
      this.input,
      send,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = this.input.value.trim();
      if (text === '') return;
      this.input.value = '';
      this.opts.onSend({ message: text });
    });

    this.panel = el(
      doc,
      'section',
      {
        class: 'panel',
        id: panelId,
        'data-testid': 'panel',
        role: 'dialog',
        'aria-label': this.title,
        hidden: true,
      },
      el(
        doc,
        'header',
        { class: 'header' },
        el(doc, 'h2', { class: 'title', dir: 'auto' }, this.title),
        close,
      ),
      this.log,
      this.typing,
      this.noticeBox,
      form,
    );

    this.announcer = el(doc, 'div', { class: 'sr', role: 'status', 'data-testid': 'announcer' });
    const container = el(
      doc,
      'div',
      { class: `root ${opts.position === 'left' ? 'left' : 'right'}` },
      this.launcher,
      this.panel,
      this.announcer,
    );
    container.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.stopPropagation();
        this.close();
      }
    });
    this.root.append(el(doc, 'style', {}, widgetCss(opts.colors)), container);
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  mount(): void {
    this.doc.body.append(this.host);
  }

  /** Opens the panel; `focus` is false when it opens by itself, not to steal the page's focus. */
  open(focus = true): void {
    if (this.isOpen) return;
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.classList.remove('unread');
    this.announcer.textContent = '';
    this.setLauncherLabel(true);
    this.scrollToEnd();
    if (focus) this.input.focus();
    this.opts.onOpen();
  }

  /** Closes the panel and gives focus back to the launcher, where the visitor started. */
  close(): void {
    if (!this.isOpen) return;
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.setLauncherLabel(false);
    this.launcher.focus();
  }

  add(view: MessageView, redraw = false): DrawnMessage {
    const disabled = view.from === 'user' ? this.disableChoices() : [];
    const bubble = renderMessage(this.doc, view, (choice) => {
      this.opts.onSend({ message: choice.title, button_id: choice.id });
      // The pressed button is disabled now; keep keyboard focus somewhere useful.
      this.input.focus();
    });
    this.log.append(bubble);
    if (view.from === 'bot' && !this.isOpen && !redraw) {
      this.launcher.classList.add('unread');
      this.setLauncherLabel(false, true);
      // A hidden log is not read out, and a changed label only when focused.
      this.announcer.textContent = `New message in ${this.title}`;
    }
    this.scrollToEnd();
    return {
      notSent: () => {
        bubble.classList.add('failed');
        bubble.append(el(this.doc, 'span', { class: 'failed-mark' }, 'Not sent'));
        // The question it answered is still open, unless a later message answered it.
        const users = this.log.querySelectorAll('.msg.user');
        if (users[users.length - 1] === bubble) for (const b of disabled) b.disabled = false;
      },
    };
  }

  clear(): void {
    this.log.replaceChildren();
  }

  setTyping(on: boolean): void {
    this.typing.hidden = !on;
    if (on) this.scrollToEnd();
  }

  notice(text: string | null): void {
    this.noticeBox.textContent = text ?? '';
    this.noticeBox.hidden = text === null;
  }

  /** Earlier questions stay readable, but only the newest can be answered. */
  private disableChoices(): HTMLButtonElement[] {
    const enabled = [...this.log.querySelectorAll<HTMLButtonElement>('button.choice:enabled')];
    for (const b of enabled) b.disabled = true;
    return enabled;
  }

  private setLauncherLabel(open: boolean, unread = false): void {
    const label = open
      ? `Close chat: ${this.title}`
      : `Open chat: ${this.title}${unread ? ' (new messages)' : ''}`;
    this.launcher.setAttribute('aria-label', label);
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
