import type { GenericMessage } from '../../engine';
import type { TraceTurn } from './trace-format';

/** A finding of the validator, or a field error of the API. */
export interface Issue {
  path: string;
  message: string;
}

/** A refused request: the API's `{detail, errors?}` and the HTTP status (0: no answer). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: Issue[] = [],
    readonly body: unknown = undefined,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

export interface Chatbot {
  id: string;
  name: string;
  description?: string | null;
}

export interface FlowSummary {
  id: string;
  chatbot_id: string;
  name: string;
  type: 'conversation' | 'meta';
  status: 'draft' | 'published';
  published_at: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface FlowDetail extends FlowSummary {
  /** The definition. */
  flow: unknown;
}

export interface ValidationReport {
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
}

export interface FlowVersion {
  id: string;
  flow_id: string;
  version: number;
  name: string;
  type: string;
  published_at: string;
}

export interface PublishResult {
  id: string;
  status: 'published';
  published_at: string;
  version: number;
}

/** The Chat API's answer to "create session" and "send message" (seed 003). */
export interface ChatReply {
  session_id: string;
  messages: GenericMessage[];
  current_state: string | null;
  status?: string;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const BASE = '/api/dev/v1';

/**
 * The developer API as the playground uses it, with the key as a bearer token. Every call
 * resolves to the parsed answer or rejects with ApiError; the key is only held in memory
 * here (the page keeps it in sessionStorage).
 */
export class PlaygroundApi {
  constructor(
    private readonly key: string,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {}

  chatbots(): Promise<Chatbot[]> {
    return this.all<Chatbot>('/chatbots');
  }

  flows(chatbotId: string): Promise<FlowSummary[]> {
    return this.all<FlowSummary>(`/chatbots/${seg(chatbotId)}/flows`);
  }

  flow(chatbotId: string, flowId: string): Promise<FlowDetail> {
    return this.request('GET', flowPath(chatbotId, flowId));
  }

  /** Replaces the draft definition (UpdateFlowDto: `{flow}`). */
  save(chatbotId: string, flowId: string, definition: unknown): Promise<FlowDetail> {
    return this.request('PATCH', flowPath(chatbotId, flowId), { flow: definition });
  }

  /**
   * Validates `definition` as written in the editor, without storing it (docs/web.md: the
   * field is `flow`, as in create and PATCH).
   */
  validate(chatbotId: string, flowId: string, definition: unknown): Promise<ValidationReport> {
    return this.request('POST', `${flowPath(chatbotId, flowId)}/validate`, { flow: definition });
  }

  publish(chatbotId: string, flowId: string): Promise<PublishResult> {
    return this.request('POST', `${flowPath(chatbotId, flowId)}/publish`);
  }

  versions(chatbotId: string, flowId: string): Promise<FlowVersion[]> {
    return this.all<FlowVersion>(`${flowPath(chatbotId, flowId)}/versions`);
  }

  /** A chat session on the saved draft (channel `api`, marked preview). */
  preview(chatbotId: string, flowId: string): Promise<ChatReply> {
    return this.request('POST', `${flowPath(chatbotId, flowId)}/preview-sessions`, {});
  }

  send(
    chatbotId: string,
    sessionId: string,
    message: string,
    buttonId?: string,
  ): Promise<ChatReply> {
    const body = buttonId ? { message, button_id: buttonId } : { message };
    return this.request(
      'POST',
      `/chatbots/${seg(chatbotId)}/chat/sessions/${seg(sessionId)}/messages`,
      body,
    );
  }

  /** Every trace entry of a conversation, oldest first. */
  trace(chatbotId: string, sessionId: string): Promise<TraceTurn[]> {
    return this.all<TraceTurn>(`/chatbots/${seg(chatbotId)}/conversations/${seg(sessionId)}/trace`);
  }

  /** All pages of a list, at the largest page size. */
  private async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    // A bounded walk: a server that kept sending cursors would otherwise never stop us.
    for (let page = 0; page < 100; page++) {
      const query: string = cursor
        ? `?limit=200&cursor=${encodeURIComponent(cursor)}`
        : '?limit=200';
      const answer: Page<T> = await this.request('GET', `${path}${query}`);
      items.push(...(Array.isArray(answer.items) ? answer.items : []));
      cursor = answer.next_cursor ?? null;
      if (!cursor) break;
    }
    return items;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${BASE}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.key}`,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ApiError(0, `The server could not be reached (${(err as Error).message}).`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      const answer = (parsed ?? {}) as { detail?: unknown; errors?: unknown };
      const detail =
        typeof answer.detail === 'string'
          ? answer.detail
          : `${response.status} ${response.statusText}`.trim();
      const errors = Array.isArray(answer.errors) ? answer.errors.filter(isIssue) : [];
      throw new ApiError(response.status, detail, errors, parsed);
    }
    return parsed as T;
  }
}

function isIssue(value: unknown): value is Issue {
  const v = value as Issue | null;
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof v.path === 'string' &&
    typeof v.message === 'string'
  );
}

/** Ids come from the API, but are encoded all the same: nothing typed reaches a path raw. */
const seg = (id: string) => encodeURIComponent(id);
const flowPath = (chatbotId: string, flowId: string) =>
  `/chatbots/${seg(chatbotId)}/flows/${seg(flowId)}`;
