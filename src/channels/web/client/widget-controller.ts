import type { GenericMessage } from '../../../engine/generic-message';
import type { StreamMessage } from './event-stream';
import { describeMessage, type MessageView } from './render-model';
import type { SessionStore } from './session-store';
import {
  ApiError,
  type HistoryItem,
  type OutgoingMessage,
  type SessionAuth,
  type WidgetApi,
} from './widget-api';

/** What the controller needs from the screen; the DOM view implements it, specs fake it. */
export interface ChatView {
  /**
   * Appends a bubble. A user bubble also disables the choices drawn before it. `redraw` marks
   * history drawn again after a reload: not news, so no "new messages" mark on the launcher.
   */
  add(view: MessageView, redraw?: boolean): DrawnMessage | void;
  /** Empties the log, before the conversation is drawn again from the server's history. */
  clear(): void;
  setTyping(on: boolean): void;
  /** A short line under the log (rate limit, new session, errors); null hides it. */
  notice(text: string | null): void;
}

/** A visitor's bubble drawn before its message was sent. */
export interface DrawnMessage {
  /** It could not be sent: say so, and let the choices it answered be pressed again. */
  notSent(): void;
}

export interface StreamHandle {
  stop(): void;
}

export type OpenStream = (
  session: SessionAuth,
  lastEventId: string | undefined,
  handlers: { onMessage(message: StreamMessage): void },
) => StreamHandle;

export interface ControllerDeps {
  api: WidgetApi;
  store: SessionStore;
  view: ChatView;
  openStream: OpenStream;
  sleep?(ms: number): Promise<void>;
  /**
   * Tells the visitor's other tabs that the conversation changed (a turn ran, or a new
   * session started); each of them calls resync(). Absent where tabs cannot talk.
   */
  announce?(): void;
}

/** Statuses in which a stored session is picked up again after a reload. */
const LIVE = new Set(['ACTIVE', 'HANDOFF_PENDING', 'AGENT_ACTIVE']);
/** How many times a rate-limited call is tried again (after its Retry-After) before giving up. */
const RATE_LIMIT_RETRIES = 3;

export const NOTICES = {
  restarted:
    'Your previous conversation had ended, so a new one has started. Please send your message again.',
  unavailable: 'The chat is not available right now. Please try again later.',
  offline: 'Message not sent: no connection. Please try again.',
  failed: 'Message not sent. Please try again.',
  slowDown: (s: number) => `You are sending messages too fast. Trying again in ${s} s.`,
};

/**
 * The widget's conversation logic, without DOM: resumes a stored session, starts a new one
 * when needed, sends the visitor's messages one at a time in order, and merges the event
 * stream into the log without repeats.
 */
export class WidgetController {
  private session: SessionAuth | null = null;
  private starting: Promise<SessionAuth | null> | null = null;
  private resuming: Promise<boolean> | null = null;
  /** True once the stored session was either redrawn or found gone (not a network failure). */
  private resumeSettled = false;
  private stream: StreamHandle | null = null;
  private readonly seen = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private busy = 0;

  constructor(private readonly deps: ControllerDeps) {}

  get sessionId(): string | null {
    return this.session?.session_id ?? null;
  }

  /** On page load: redraws a stored, still-running conversation. True when one was resumed. */
  resume(): Promise<boolean> {
    this.resuming ??= this.loadHistory().finally(() => {
      this.resuming = null;
    });
    return this.resuming;
  }

  /** The session to talk on, started (with its greeting drawn) when there is none yet. */
  ensureSession(): Promise<SessionAuth | null> {
    if (this.session) return Promise.resolve(this.session);
    this.starting ??= this.startSession().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Draws the visitor's message at once and sends it after the ones before it. */
  send(message: OutgoingMessage): Promise<void> {
    const text = message.message.trim();
    if (text === '') return Promise.resolve();
    const out: OutgoingMessage = message.button_id
      ? { message: text, button_id: message.button_id }
      : { message: text };
    const shown: GenericMessage = out.button_id
      ? { type: 'button', text, button_id: out.button_id }
      : { type: 'text', text };
    const drawn = this.deps.view.add(describeMessage(shown, { from: 'user' }));
    const run = this.queue.then(async () => {
      if (!(await this.deliver(out))) drawn?.notSent();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the event stream (the page is going away, or the widget is torn down). */
  dispose(): void {
    this.stream?.stop();
    this.stream = null;
  }

  private async loadHistory(): Promise<boolean> {
    const stored = this.deps.store.load();
    if (!stored.session_id || !stored.visitor_token) {
      this.resumeSettled = true;
      return false;
    }
    const auth: SessionAuth = {
      session_id: stored.session_id,
      visitor_token: stored.visitor_token,
    };
    try {
      const history = await this.deps.api.history(auth);
      this.resumeSettled = true;
      if (!LIVE.has(history.status)) {
        this.deps.store.clearSession();
        return false;
      }
      this.session = auth;
      this.listen(auth, this.redraw(history.data));
      return true;
    } catch (e) {
      // A 404 is an unknown session or a wrong token (docs/web.md): forget it. Anything else
      // is transient: keep it, and ensureSession() tries once more before starting afresh.
      if (e instanceof ApiError && (e.status === 404 || e.status === 410)) {
        this.resumeSettled = true;
        this.deps.store.clearSession();
      }
      return false;
    }
  }

  /**
   * Another tab of this visitor changed the conversation. The answers to its requests never
   * come over this tab's event stream (they answered that tab's request), so without this the
   * tab would keep showing an answered question, and a press on it would answer the wrong
   * one. The stored session's history is drawn afresh, after this tab's own sends, and the
   * stream is resumed after it (a message pushed meanwhile is sent again, not lost).
   */
  resync(): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.starting) await this.starting;
      const stored = this.deps.store.load();
      if (!stored.session_id || !stored.visitor_token) return;
      const auth: SessionAuth =
        this.session?.session_id === stored.session_id
          ? this.session
          : { session_id: stored.session_id, visitor_token: stored.visitor_token };
      // Unreachable now: the next turn of either tab tells again.
      const history = await this.deps.api.history(auth).catch(() => null);
      if (!history || !LIVE.has(history.status)) return;
      this.deps.view.clear();
      this.seen.clear();
      this.session = auth;
      this.resumeSettled = true;
      this.listen(auth, this.redraw(history.data));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Draws history items not drawn yet; returns the newest id, to resume the stream after. */
  private redraw(items: HistoryItem[]): string | undefined {
    let lastId: string | undefined;
    for (const item of items) {
      lastId = item.id;
      if (this.seen.has(item.id)) continue;
      this.seen.add(item.id);
      const from = item.direction === 'inbound' ? 'user' : 'bot';
      this.deps.view.add(
        describeMessage(item.message, { from, responder: item.responder ?? undefined }),
        true,
      );
    }
    return lastId;
  }

  private async startSession(): Promise<SessionAuth | null> {
    if (this.resuming) await this.resuming;
    if (!this.session && !this.resumeSettled) await this.resume();
    if (this.session) return this.session;
    this.setBusy(+1);
    try {
      const visitorId = this.deps.store.load().visitor_id;
      for (let attempt = 0; ; attempt++) {
        try {
          const created = await this.deps.api.createSession(visitorId);
          const auth: SessionAuth = {
            session_id: created.session_id,
            visitor_token: created.visitor_token,
          };
          this.deps.store.save({ visitor_id: created.visitor_id || visitorId, ...auth });
          this.session = auth;
          this.resumeSettled = true;
          for (const m of created.messages ?? [])
            this.deps.view.add(describeMessage(m, { from: 'bot' }));
          this.listen(auth, undefined);
          this.deps.announce?.();
          return auth;
        } catch (e) {
          if (e instanceof ApiError && e.status === 429 && attempt < RATE_LIMIT_RETRIES) {
            await this.waitOut(e);
            continue;
          }
          this.deps.view.notice(NOTICES.unavailable);
          return null;
        }
      }
    } finally {
      this.setBusy(-1);
    }
  }

  /**
   * Sends one message; false when it was not sent and the visitor may send it again (after a
   * new session it is not: the question it answered is gone, and the notice says so).
   */
  private async deliver(out: OutgoingMessage): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.ensureSession();
      if (!session) return false;
      let refused: ApiError;
      this.setBusy(+1);
      try {
        const answer = await this.deps.api.sendMessage(session, out);
        if (attempt > 0) this.deps.view.notice(null);
        for (const m of answer.messages ?? [])
          this.deps.view.add(describeMessage(m, { from: 'bot' }));
        this.deps.announce?.();
        return true;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        refused = e;
      } finally {
        this.setBusy(-1);
      }
      if ((refused.status === 410 || refused.status === 404) && this.session === session) {
        // Closed, expired or unknown: a new session greets the visitor. The message is not
        // replayed into it: it answered a question the new conversation has not asked.
        this.endSession();
        this.deps.view.notice(NOTICES.restarted);
        await this.ensureSession();
        return true;
      }
      if (refused.status === 429 && attempt < RATE_LIMIT_RETRIES) {
        await this.waitOut(refused);
        continue;
      }
      this.deps.view.notice(refused.status === 0 ? NOTICES.offline : NOTICES.failed);
      return false;
    }
  }

  /** Honours a 429's Retry-After (2 s when it has none), saying so under the log. */
  private async waitOut(e: ApiError): Promise<void> {
    const ms = e.retryAfterMs ?? 2000;
    this.deps.view.notice(NOTICES.slowDown(Math.max(1, Math.ceil(ms / 1000))));
    await (this.deps.sleep ?? defaultSleep)(ms);
    this.deps.view.notice(null);
  }

  private listen(session: SessionAuth, lastEventId: string | undefined): void {
    this.stream?.stop();
    this.stream = this.deps.openStream(session, lastEventId, {
      onMessage: (m) => {
        if (this.session !== session || this.seen.has(m.id)) return;
        this.seen.add(m.id);
        this.deps.view.add(describeMessage(m.message, { from: 'bot', responder: m.responder }));
      },
    });
  }

  private endSession(): void {
    this.dispose();
    this.session = null;
    this.deps.store.clearSession();
  }

  private setBusy(delta: number): void {
    this.busy += delta;
    this.deps.view.setTyping(this.busy > 0);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
