import { ApiError, type ChatReply, type FlowDetail, type PlaygroundApi } from './api-client';
import { createChannelView } from './channel-view';
import { createChatView, type PreviewTurn } from './chat-view';
import { describeError } from './describe-error';
import { validationIssues, type IssuesView } from './issues-view';
import type { MapView } from './map-view';
import { formatTraceTurn, type FormattedTurn } from './trace-format';

interface PreviewSession {
  chatbotId: string;
  sessionId: string;
  turns: PreviewTurn[];
  traces: Map<number, FormattedTurn>;
  seenTrace: Set<string>;
  selected: number;
  active: boolean;
}

export interface PreviewElements {
  chat: HTMLElement;
  tabs: HTMLElement;
  tabPanels: HTMLElement;
  preview: HTMLButtonElement;
  restart: HTMLButtonElement;
  sessionState: HTMLElement;
  chatForm: HTMLFormElement;
  chatInput: HTMLInputElement;
  chatSend: HTMLButtonElement;
}

export interface PreviewDeps {
  api: () => PlaygroundApi | null;
  flow: () => FlowDetail | null;
  /** Saves the editor's text as the draft; false when it cannot (the reason is shown). */
  save: () => Promise<boolean>;
  issues: IssuesView;
  map: MapView;
}

export interface PreviewController {
  /** Ends the preview shown (a flow was opened or closed). */
  reset(): void;
}

/**
 * The preview chat (web.md › playground): a Chat API session on the saved draft, each turn's
 * trace beside the messages, the turn's USSD / WhatsApp / SMS renderings, and its state
 * highlighted on the map.
 */
export function createPreviewController(el: PreviewElements, deps: PreviewDeps): PreviewController {
  const { issues, map } = deps;
  let current: PreviewSession | null = null;
  let sending = false;
  const chat = createChatView(
    el.chat,
    (title, id) => void send(title, id),
    (index) => selectTurn(index),
  );
  const channels = createChannelView(el.tabs, el.tabPanels);

  el.preview.addEventListener('click', () => void start());
  el.restart.addEventListener('click', () => void start());
  el.chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = el.chatInput.value.trim();
    if (text === '') return;
    el.chatInput.value = '';
    void send(text);
  });

  function reset(): void {
    current = null;
    sending = false;
    chat.clear(
      deps.flow()?.type === 'conversation'
        ? 'Press “Preview ▶” to chat with this draft (it is saved first).'
        : 'Open a conversation flow, then press “Preview ▶” to chat with its draft.',
    );
    channels.showTurn(null, '');
    channels.showTrace([], null);
    map.highlight(null);
    el.sessionState.hidden = true;
    el.restart.hidden = true;
    setChatEnabled(false);
  }

  function setChatEnabled(on: boolean): void {
    el.chatInput.disabled = !on;
    el.chatSend.disabled = !on;
  }

  async function start(): Promise<void> {
    const api = deps.api();
    const flow = deps.flow();
    if (!api || !flow || flow.type !== 'conversation') return;
    // The preview runs the saved draft: save first, so it runs exactly what is in the editor.
    if (!(await deps.save())) return;
    reset();
    el.preview.disabled = true;
    chat.typing(true);
    let reply: ChatReply;
    try {
      reply = await api.preview(flow.chatbot_id, flow.id);
    } catch (err) {
      chat.typing(false);
      chat.note(`The preview could not start: ${describeError(err)}`, 'error');
      if (err instanceof ApiError && err.errors.length > 0)
        issues.show(validationIssues(err.errors, []), 'Preview refused');
      return;
    } finally {
      el.preview.disabled = deps.flow()?.type !== 'conversation';
    }
    chat.typing(false);
    current = {
      chatbotId: flow.chatbot_id,
      sessionId: reply.session_id,
      turns: [],
      traces: new Map(),
      seenTrace: new Set(),
      selected: 0,
      active: true,
    };
    el.restart.hidden = false;
    addTurn(null, reply);
  }

  async function send(text: string, buttonId?: string): Promise<void> {
    const preview = current;
    const api = deps.api();
    if (!preview || !api || !preview.active || sending) return;
    sending = true;
    setChatEnabled(false);
    chat.typing(true);
    try {
      const reply = await api.send(preview.chatbotId, preview.sessionId, text, buttonId);
      if (current !== preview) return;
      chat.typing(false);
      addTurn(text, reply);
    } catch (err) {
      if (current !== preview) return;
      chat.typing(false);
      if (err instanceof ApiError && (err.status === 410 || err.status === 404)) {
        preview.active = false;
        showSessionState('ENDED');
        chat.note(`${err.detail}. Press Restart to chat again.`);
      } else {
        chat.note(`The message failed: ${describeError(err)}`, 'error');
        setChatEnabled(preview.active);
      }
    } finally {
      if (current === preview) sending = false;
    }
  }

  function addTurn(user: string | null, reply: ChatReply): void {
    const preview = current;
    if (!preview) return;
    const turn: PreviewTurn = {
      index: preview.turns.length,
      user,
      messages: Array.isArray(reply.messages) ? reply.messages : [],
      currentState: reply.current_state ?? null,
      status: reply.status ?? 'ACTIVE',
    };
    preview.turns.push(turn);
    preview.active = turn.status === 'ACTIVE';
    chat.addTurn(turn);
    showSessionState(turn.status);
    setChatEnabled(preview.active);
    if (preview.active) el.chatInput.focus();
    else chat.note(`The session is ${turn.status.toLowerCase()}. Press Restart to chat again.`);
    selectTurn(turn.index);
    void loadTrace(preview);
  }

  function showSessionState(status: string): void {
    el.sessionState.hidden = false;
    el.sessionState.textContent = status;
    el.sessionState.dataset.status = status;
  }

  function selectTurn(index: number): void {
    const preview = current;
    const turn = preview?.turns[index];
    if (!preview || !turn) return;
    preview.selected = index;
    chat.select(index);
    const latest = index === preview.turns.length - 1;
    channels.showTurn(
      turn,
      `${index === 0 ? 'Greeting' : `Turn ${index}`}${latest ? ' (latest)' : ''}`,
    );
    renderTrace();
    map.highlight(turn.currentState);
  }

  /** Fetches the session's trace and gives each new entry to the turns still without one. */
  async function loadTrace(preview: PreviewSession): Promise<void> {
    const api = deps.api();
    if (!api) return;
    let entries;
    try {
      entries = await api.trace(preview.chatbotId, preview.sessionId);
    } catch (err) {
      if (current === preview)
        chat.note(`The trace could not be read: ${describeError(err)}`, 'error');
      return;
    }
    if (current !== preview) return;
    const fresh = entries.filter((e) => !preview.seenTrace.has(e.id));
    let next = preview.turns.findIndex((t) => !preview.traces.has(t.index));
    for (const entry of fresh) {
      preview.seenTrace.add(entry.id);
      if (next === -1) break;
      const formatted = formatTraceTurn(entry);
      preview.traces.set(next, formatted);
      const turn = preview.turns[next];
      chat.setMeta(
        next,
        `${turn.currentState ? `→ ${turn.currentState}` : 'no state'} · ${formatted.lines.length} steps · ${formatted.durationMs} ms`,
      );
      next = next + 1 < preview.turns.length ? next + 1 : -1;
    }
    renderTrace();
  }

  function renderTrace(): void {
    const preview = current;
    if (!preview) return;
    channels.showTrace(
      preview.turns.map((t) => ({ index: t.index, trace: preview.traces.get(t.index) ?? null })),
      preview.selected,
    );
  }

  reset();
  return { reset };
}
