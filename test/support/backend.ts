import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Backend {
  url: string;
  calls: RecordedCall[];
  /** Most requests it was handling at the same time. */
  maxInFlight: number;
  /**
   * Replaces how it answers (default: 200 `{"ok": true}`): after `delayMs`, or once `until`
   * settles (a test holding a call open for as long as it needs).
   */
  respond(
    handler: (call: RecordedCall) => {
      status?: number;
      body?: unknown;
      delayMs?: number;
      until?: Promise<unknown>;
      headers?: Record<string, string>;
    },
  ): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for a business backend; records every call. */
export async function startBackend(): Promise<Backend> {
  let handler: Parameters<Backend['respond']>[0] = () => ({ status: 200, body: { ok: true } });
  let inFlight = 0;
  const state = { calls: [] as RecordedCall[], maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.calls.push(call);
      const out = handler(call);
      const answer = () => {
        inFlight--;
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
        res.end(out.body === undefined ? '' : JSON.stringify(out.body));
      };
      if (out.until) void out.until.finally(answer);
      else setTimeout(answer, out.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    respond(h) {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
