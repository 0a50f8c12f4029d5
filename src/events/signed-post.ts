import type { IncomingHttpHeaders } from 'node:http';
import { providerRequest } from '../channels/provider-http';
import { parseRetryAfter } from '../integrations/http/retry-after';
import type { SsrfGuard } from '../integrations/http/ssrf-guard';
import { USER_AGENT } from '../integrations/user-agent';
import { signEvent } from './event-signature';

export type SignedPostResult =
  { blocked: string } | { status: number; headers: IncomingHttpHeaders };

/**
 * POSTs JSON to a tenant's URL, signed as events are (X-Sarufi-Signature over the exact
 * body), after the SSRF guard allowed its host: events to a chatbot's receiver and a
 * rest-api channel's replies. Status 0 when it did not answer.
 */
export async function postSigned(
  guard: SsrfGuard,
  r: { url: string; secret: string; body: string; id: string; type?: string },
): Promise<SignedPostResult> {
  const allowed = await guard.check(new URL(r.url).hostname);
  if (!allowed.ok) return { blocked: allowed.reason };
  const answer = await providerRequest({
    method: 'POST',
    url: r.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'x-sarufi-event-id': r.id,
      ...(r.type ? { 'x-sarufi-event-type': r.type } : {}),
      'x-sarufi-signature': signEvent(r.secret, r.body, Math.floor(Date.now() / 1000)),
    },
    body: r.body,
  });
  return { status: answer.status, headers: answer.headers };
}

/**
 * The wait a receiver asked for with Retry-After on a 429 or a 503, in ms (the outbox follows
 * it, within its cap); undefined without one.
 */
export function askedRetryAfterMs(answer: {
  status: number;
  headers: IncomingHttpHeaders;
}): number | undefined {
  return answer.status === 429 || answer.status === 503
    ? parseRetryAfter(answer.headers['retry-after'], Date.now())
    : undefined;
}
