import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP server on loopback that accepts connections and never says a word. An https://
 * URL pointed at it never completes its TLS handshake: a connect-phase timeout without
 * ever touching a non-loopback address.
 */
export class SilentServer {
  connections = 0;
  private readonly sockets = new Set<net.Socket>();

  private readonly server: net.Server;
  private boundPort = 0;

  private constructor() {
    this.server = net.createServer((socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(host = '127.0.0.1'): Promise<SilentServer> {
    const self = new SilentServer();
    await new Promise<void>((resolve) => self.server.listen(0, host, resolve));
    self.boundPort = (self.server.address() as AddressInfo).port;
    return self;
  }

  get port(): number {
    return this.boundPort;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening on it (connection refused). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
