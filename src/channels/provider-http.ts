import http from 'node:http';
import https from 'node:https';
import { Agent } from 'undici';

/** One request to a provider's API (an SMS send, a Graph API call). */
export interface ProviderHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A provider's answer: status 0 when it did not answer in time or the connection failed. */
export interface ProviderHttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Kept-alive connections to the providers' APIs, for the requests whose answer is read
 * whole: undici's client costs less than node:http's per request (26 against 64 us of CPU
 * at 16 in flight, on the machine of docs/benchmarks.md).
 */
const CLIENT = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
/** For streamed answers (media bytes), which callers pipe as node:http responses. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};
const MAX_ANSWER_BYTES = 65_536;
const TIMEOUT_MS = 15_000;
const FAILED: ProviderHttpAnswer = Object.freeze({ status: 0, body: '', headers: {} });

/**
 * Sends one request and reads the answer (its first 64 KiB; a longer one is cut there and
 * its connection closed). `timeoutMs` bounds the wait for the answer's head and each pause
 * in its body. Never throws.
 */
export async function providerRequest(
  request: ProviderHttpRequest,
  timeoutMs = TIMEOUT_MS,
): Promise<ProviderHttpAnswer> {
  try {
    const url = new URL(request.url);
    const res = await CLIENT.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_ANSWER_BYTES) {
        res.body.destroy();
        break;
      }
    }
    const body = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
    return { status: res.statusCode, body, headers: res.headers };
  } catch {
    return FAILED;
  }
}

/** A streamed GET (media bytes): the response, or null when it could not be reached. */
export function providerStream(
  request: ProviderHttpRequest,
  timeoutMs = TIMEOUT_MS,
): Promise<http.IncomingMessage | null> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: request.headers,
        agent: AGENTS[url.protocol as keyof typeof AGENTS],
        timeout: timeoutMs,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
    req.end();
  });
}
