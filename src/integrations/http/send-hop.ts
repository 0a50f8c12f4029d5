import axios from 'axios';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ApiCallErrorCode, HttpMethod } from '../../engine/ports';
import { createPinnedTransport } from './pinned-transport';
import { readCapped } from './read-capped';
import type { SsrfGuard } from './ssrf-guard';

export interface Hop {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | FormData;
}

export interface HopLimits {
  connectMs: number;
  readMs: number;
  maxResponseBytes: number;
  /** Absolute deadline (epoch ms); each phase's timeout is cut to the time left. */
  deadline?: number;
}

export type HopResult =
  | {
      kind: 'response';
      status: number;
      headers: IncomingHttpHeaders;
      data: Buffer;
      truncated: boolean;
    }
  | { kind: 'redirect'; status: number; headers: IncomingHttpHeaders; location: string }
  | { kind: 'error'; code: ApiCallErrorCode; beforeSend: boolean; cause?: string };

export interface HopDeps {
  guard: SsrfGuard;
  now: () => number;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

function errorCause(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : undefined;
}

const ABORTED = Symbol('aborted');

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error('lookup failed'));
      },
    );
  });
}
/**
 * Sends one HTTP request (one hop of one attempt, no redirect following): checks and pins
 * the destination address, enforces the connect timeout (DNS, TCP and TLS) and the read
 * timeout (from connection to the last body byte), and reads the body up to the cap.
 */
export async function sendHop(hop: Hop, limits: HopLimits, deps: HopDeps): Promise<HopResult> {
  const controller = new AbortController();
  let connected = false;
  let timedOut = false;
  let activeStream: Readable | undefined;
  // When the deadline, not the phase's own timeout, is what runs out, say so.
  let cutByDeadline = false;
  const budget = (phaseMs: number): number => {
    const left = limits.deadline === undefined ? Infinity : limits.deadline - deps.now();
    cutByDeadline = left < phaseMs;
    return Math.max(1, Math.min(phaseMs, left));
  };
  const fire = (): void => {
    timedOut = true;
    controller.abort();
    activeStream?.destroy(new Error('read timeout'));
  };
  let timer = setTimeout(fire, budget(limits.connectMs));
  const onConnected = (): void => {
    if (connected) return;
    connected = true;
    clearTimeout(timer);
    timer = setTimeout(fire, budget(limits.readMs));
  };
  const timeoutResult = (): HopResult => ({
    kind: 'error',
    code: cutByDeadline ? 'deadline_exceeded' : 'timeout',
    beforeSend: !connected,
  });

  try {
    const decision = await abortable(deps.guard.check(hop.url.hostname), controller.signal);
    if (decision === ABORTED) return timeoutResult();
    if (!decision.ok)
      return { kind: 'error', code: decision.code, beforeSend: true, cause: decision.reason };

    const response = await axios.request<Readable>({
      url: hop.url.href,
      method: hop.method,
      headers: hop.headers,
      data: hop.body,
      transport: createPinnedTransport(decision.addresses, onConnected),
      signal: controller.signal,
      maxRedirects: 0,
      proxy: false,
      responseType: 'stream',
      decompress: true,
      validateStatus: () => true,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxBodyLength: Infinity,
      maxContentLength: -1,
    });
    const stream = response.data;
    activeStream = stream;
    const headers = response.headers as IncomingHttpHeaders;
    if (timedOut) {
      stream.destroy();
      return timeoutResult();
    }
    const location = headers.location;
    if (REDIRECT_STATUSES.has(response.status) && typeof location === 'string' && location !== '') {
      stream.on('error', () => undefined);
      stream.destroy();
      return { kind: 'redirect', status: response.status, headers, location };
    }
    // A HEAD reply's Content-Length describes a body that is not sent.
    const declaredLength = hop.method === 'HEAD' ? 0 : Number(headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > limits.maxResponseBytes) {
      stream.on('error', () => undefined);
      stream.destroy();
      return {
        kind: 'response',
        status: response.status,
        headers,
        data: Buffer.alloc(0),
        truncated: true,
      };
    }
    const body = await readCapped(stream, limits.maxResponseBytes);
    return {
      kind: 'response',
      status: response.status,
      headers,
      data: body.data,
      truncated: body.truncated,
    };
  } catch (error) {
    if (timedOut) return timeoutResult();
    const cause = errorCause(error);
    if (cause === 'ERR_INVALID_CHAR' || cause === 'ERR_INVALID_HTTP_TOKEN') {
      return { kind: 'error', code: 'invalid_header', beforeSend: true, cause };
    }
    return { kind: 'error', code: 'network_error', beforeSend: !connected, cause };
  } finally {
    clearTimeout(timer);
  }
}
