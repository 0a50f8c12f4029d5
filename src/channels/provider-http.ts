import http from 'node:http';
import https from 'node:https';

/** One request to a provider's API (an SMS send, a Graph API call). */
export interface ProviderHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Kept-alive connections to the providers' APIs. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};
const MAX_ANSWER_BYTES = 65_536;
const TIMEOUT_MS = 15_000;

/**
 * Sends one request and reads the answer (its first 64 KiB); status 0 when it did not
 * answer in time or the connection failed. Never throws.
 */
export function providerRequest(
  request: ProviderHttpRequest,
  timeoutMs = TIMEOUT_MS,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const failed = () => resolve({ status: 0, body: '', headers: {} });
    const req = client.request(
      url,
      {
        method: request.method,
        headers:
          request.body === undefined
            ? request.headers
            : { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        agent: AGENTS[url.protocol as keyof typeof AGENTS],
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', failed);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', failed);
    req.end(request.body);
  });
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
