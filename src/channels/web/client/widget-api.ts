import type { GenericMessage } from '../../../engine/generic-message';
import { retryAfterMs } from './retry-after';

/** `GET /config`: the integration's theme. */
export interface WidgetConfig {
  title: string;
  primary_color: string;
  position: 'right' | 'left';
  start_open: boolean;
}

/** A session the widget talks on: its id and the token that authorises it. */
export interface SessionAuth {
  session_id: string;
  visitor_token: string;
}

export interface SessionCreated extends SessionAuth {
  visitor_id: string;
  messages: GenericMessage[];
  status: string;
}

export interface TurnAnswer {
  session_id: string;
  messages: GenericMessage[];
  status?: string;
}

export interface HistoryItem {
  id: string;
  direction: 'inbound' | 'outbound';
  message: GenericMessage;
  responder?: string | null;
  created_at?: string;
}

/** The body of a visitor's message: what they typed, or the title and id of a choice. */
export interface OutgoingMessage {
  message: string;
  button_id?: string;
}

/** A refused or failed call. `status` 0 is a network failure (or a CORS refusal). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null = null,
  ) {
    super(status === 0 ? 'network error' : `HTTP ${status}`);
  }
}

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

/** Pages of the history route: when it does not say `has_more`, a full page means more. */
const HISTORY_PAGE = 200;

/**
 * The public widget API (`/widget/v1/{key}`, docs/web.md) over fetch. No DOM here, so the
 * request shapes are checked by specs in node with a fake fetch.
 */
export class WidgetApi {
  readonly base: string;
  private readonly fetchFn: FetchFn;

  constructor(gateway: string, widgetKey: string, fetchFn?: FetchFn) {
    this.base = `${gateway.replace(/\/+$/, '')}/widget/v1/${encodeURIComponent(widgetKey)}`;
    // Called through a closure: a bare `fetch` stored on an object throws "Illegal invocation".
    this.fetchFn = fetchFn ?? ((url, init) => fetch(url, init));
  }

  config(): Promise<WidgetConfig> {
    return this.call<WidgetConfig>('GET', '/config');
  }

  createSession(visitorId?: string): Promise<SessionCreated> {
    return this.call<SessionCreated>(
      'POST',
      '/sessions',
      undefined,
      visitorId ? { visitor_id: visitorId } : {},
    );
  }

  sendMessage(session: SessionAuth, body: OutgoingMessage): Promise<TurnAnswer> {
    return this.call<TurnAnswer>(
      'POST',
      `/sessions/${encodeURIComponent(session.session_id)}/messages`,
      session,
      body,
    );
  }

  /** The whole history of a session, oldest first, following pages; and the session status. */
  async history(session: SessionAuth): Promise<{ data: HistoryItem[]; status: string }> {
    const all: HistoryItem[] = [];
    let status = '';
    let after: string | undefined;
    // Bounded: a broken server answering has_more forever cannot hang the widget.
    for (let page = 0; page < 50; page++) {
      const query = after ? `?after=${encodeURIComponent(after)}` : '';
      const res = await this.call<{ data: HistoryItem[]; status: string; has_more?: boolean }>(
        'GET',
        `/sessions/${encodeURIComponent(session.session_id)}/messages${query}`,
        session,
      );
      all.push(...res.data);
      status = res.status;
      const more = res.has_more ?? res.data.length >= HISTORY_PAGE;
      if (!more || res.data.length === 0) break;
      after = res.data[res.data.length - 1].id;
    }
    return { data: all, status };
  }

  eventsUrl(sessionId: string): string {
    return `${this.base}/sessions/${encodeURIComponent(sessionId)}/events`;
  }

  private async call<T>(
    method: string,
    path: string,
    session?: SessionAuth,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (session) headers.Authorization = `Visitor ${session.visitor_token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // The visitor is identified by the token, never by cookies of the gateway's origin.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0);
    }
    if (!res.ok) throw new ApiError(res.status, retryAfterMs(res.headers.get('Retry-After')));
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(0);
    }
  }
}
