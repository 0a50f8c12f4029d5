/** One dispatched Server-Sent Event. `id` is the last event id seen on the stream so far. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * An incremental parser for `text/event-stream`, following the HTML standard's rules.
 * EventSource cannot send an Authorization header, so the widget reads the stream with
 * fetch() and feeds the decoded text here; chunks may split lines (even a CRLF) anywhere.
 */
export class SseParser {
  private buffer = '';
  /** A chunk ended in CR: a LF at the start of the next chunk belongs to that line end. */
  private pendingCr = false;
  private data: string[] = [];
  private hasData = false;
  private eventType = '';
  /** The id field of the event being read; it counts only once that event is complete. */
  private idBuffer: string | undefined;
  private lastId: string | undefined;

  /** The id of the last complete event, to send back as Last-Event-ID on a reconnect. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  constructor(lastEventId?: string) {
    this.lastId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Feeds decoded text; returns the events completed by it, in order. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    const out: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.line(this.buffer.slice(start, i), out);
      if (ch === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return; // a comment, e.g. the server's keep-alive ping
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        // The standard ignores ids containing NUL, so a broken id cannot poison reconnects.
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      default:
        // `retry` and unknown fields: the widget keeps its own backoff.
        break;
    }
  }

  private dispatch(out: SseEvent[]): void {
    // As the standard says, an id counts at the blank line, even on an event without data.
    this.lastId = this.idBuffer;
    if (this.hasData) {
      out.push({ event: this.eventType || 'message', data: this.data.join('\n'), id: this.lastId });
    }
    this.data = [];
    this.hasData = false;
    this.eventType = '';
  }
}
