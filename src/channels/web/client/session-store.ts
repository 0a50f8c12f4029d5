/** What the widget remembers on the visitor's device, per widget key. */
export interface StoredSession {
  visitor_id?: string;
  session_id?: string;
  visitor_token?: string;
}

/** The part of the Web Storage interface the store needs (localStorage, or a fake in specs). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Reads and writes `sarufi-widget:<key>` = `{visitor_id, session_id, visitor_token}`.
 * Storage may be missing or throw (private browsing, blocked cookies, a full quota): then
 * the store keeps the values in memory, so the widget still works for the page's lifetime.
 */
export class SessionStore {
  readonly storageKey: string;
  private memory: StoredSession = {};

  constructor(
    widgetKey: string,
    private readonly storage: StorageLike | null,
  ) {
    this.storageKey = `sarufi-widget:${widgetKey}`;
  }

  load(): StoredSession {
    let raw: string | null;
    try {
      raw = this.storage?.getItem(this.storageKey) ?? null;
    } catch {
      return { ...this.memory };
    }
    if (raw === null) return { ...this.memory };
    try {
      return sanitize(JSON.parse(raw));
    } catch {
      return {}; // someone else's or a corrupted value: start over rather than fail
    }
  }

  save(value: StoredSession): void {
    this.memory = sanitize(value);
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify(this.memory));
    } catch {
      // kept in memory only
    }
  }

  /** Forgets the session (ended or unknown) but keeps the visitor id: the same device. */
  clearSession(): void {
    const { visitor_id } = this.load();
    this.save(visitor_id ? { visitor_id } : {});
  }
}

/** Keeps only well-formed string fields, and the session only with its token. */
function sanitize(value: unknown): StoredSession {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const out: StoredSession = {};
  if (isId(v.visitor_id)) out.visitor_id = v.visitor_id;
  if (isId(v.session_id) && typeof v.visitor_token === 'string' && v.visitor_token !== '') {
    out.session_id = v.session_id;
    out.visitor_token = v.visitor_token;
  }
  return out;
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && ID_RE.test(v);
}
