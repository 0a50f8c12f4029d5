import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export type LoopbackHandler = (
  req: RecordedRequest,
  res: http.ServerResponse,
  count: number,
) => unknown;

/**
 * A real HTTP server on a loopback address, started by a test: records every request it
 * receives and answers with the handler (default: 200 `{"ok":true}`).
 */
export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];

  private readonly server: http.Server;
  private boundPort = 0;

  private constructor(
    handler: LoopbackHandler,
    readonly host: string,
  ) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body,
          text: body.toString('utf8'),
        };
        this.requests.push(recorded);
        Promise.resolve(handler(recorded, res, this.requests.length)).catch(() => {
          res.destroy();
        });
      });
    });
  }

  static async start(
    handler: LoopbackHandler = defaultHandler,
    host = '127.0.0.1',
  ): Promise<LoopbackServer> {
    const self = new LoopbackServer(handler, host);
    await new Promise<void>((resolve) => self.server.listen(0, host, resolve));
    self.boundPort = (self.server.address() as AddressInfo).port;
    return self;
  }

  get port(): number {
    return this.boundPort;
  }

  /** URL on this server; `host` lets a test use a name (resolved by its injected lookup). */
  url(path = '/', host = this.host): string {
    return `http://${host}:${this.port}${path}`;
  }

  get last(): RecordedRequest | undefined {
    return this.requests[this.requests.length - 1];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function defaultHandler(_req: RecordedRequest, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
