import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ResolvedAddress } from './ssrf-guard';

export interface PinnedTransport {
  request(
    options: http.RequestOptions,
    callback: (res: http.IncomingMessage) => void,
  ): http.ClientRequest;
}

/**
 * A `lookup` that answers only with addresses the SSRF guard already checked, whatever
 * host name it is asked about: the connection cannot go anywhere else, while the URL's
 * host name is kept for the Host header and TLS SNI/certificate checks.
 */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((
    _hostname: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    const cb = typeof options === 'function' ? (options as (...args: unknown[]) => void) : callback;
    const all = typeof options === 'object' && options !== null && options.all === true;
    process.nextTick(() => {
      if (all)
        cb(
          null,
          addresses.map((a) => ({ address: a.address, family: a.family })),
        );
      else cb(null, addresses[0].address, addresses[0].family);
    });
  }) as unknown as LookupFunction;
}

/**
 * The axios `transport` for one hop: plain node:http / node:https with the pinned lookup,
 * no connection reuse (a fresh agent per request), and a callback once the connection is
 * established (TCP connect, or the TLS handshake for https) — the end of the connect
 * phase for timeouts and for "nothing was sent yet" retry decisions.
 */
export function createPinnedTransport(
  addresses: ResolvedAddress[],
  onConnected: () => void,
): PinnedTransport {
  const lookup = pinnedLookup(addresses);
  return {
    request(options, callback) {
      const secure = options.protocol === 'https:';
      const transportOptions: http.RequestOptions = { ...options, lookup, agent: false };
      const req = secure
        ? https.request(transportOptions, callback)
        : http.request(transportOptions, callback);
      req.once('socket', (socket: Socket) => {
        if (socket instanceof TLSSocket) {
          socket.once('secureConnect', onConnected);
        } else if (socket.connecting) {
          socket.once('connect', onConnected);
        } else {
          onConnected();
        }
      });
      return req;
    },
  };
}
