import { shortenText } from '../../engine';
import { parseRetryAfter } from '../../integrations/http/retry-after';
import { outboxBackoffMs } from '../../outbox/outbox-backoff';

/**
 * The WhatsApp Cloud API (Meta's Graph API), pure: the requests this server makes — send a
 * message, mark one read with the typing indicator, look a media id up, download its bytes —
 * and what Meta's answers mean. The channel's handlers do the I/O.
 */

/** One WhatsApp integration's number, as the Graph API is called for it. */
export interface GraphNumber {
  /** `graph_api_base`: Meta's Graph API URL, or a local stub in tests. */
  base: string;
  /** `graph_api_version`, such as `v23.0`. */
  version: string;
  phoneNumberId: string;
  accessToken: string;
}

export interface GraphPostRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface GraphGetRequest {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
}

/**
 * How a failed call is handled: `retry` later (rate limits, Meta's transient errors, no
 * answer), `final` (recorded on the message, never retried), or `auth` (the access token is
 * refused: the integration's health becomes `auth_failed`).
 */
export type GraphOutcome = 'retry' | 'final' | 'auth';

export interface GraphFailure {
  ok: false;
  outcome: GraphOutcome;
  /**
   * Meta's error code, a number as Meta gives it (`131047`); else one of ours: `http_<status>`,
   * `no_answer` or `invalid_answer`.
   */
  code: number | string;
  /** Meta's message and details, without anything that looks like an access token. */
  title: string;
  /** Wait at least this long before retrying (Retry-After, or the pair rate limit). */
  retryAfterMs?: number;
}

export type GraphSendResult = { ok: true; wamid: string } | GraphFailure;

export type MediaLookupResult =
  { ok: true; url: string; mimeType: string; fileSize?: number } | GraphFailure;

/** The (business, user) pair rate limit: about one message every 6 s to the same user. */
export const PAIR_RATE_LIMIT_CODE = 131056;
export const PAIR_RATE_LIMIT_MS = 6_000;

/**
 * Error codes worth another try whatever the HTTP status: the rate limits (app, account,
 * number throughput, pair) and Meta's unknown/temporary service errors.
 */
const RETRY_CODES: ReadonlySet<number> = new Set([1, 2, 4, 80007, 130429, PAIR_RATE_LIMIT_CODE]);
/** Never retried: the 24-hour window is closed (131047), the user cannot get it (131026). */
const FINAL_CODES: ReadonlySet<number> = new Set([131047, 131026]);
const AUTH_CODE = 190;

const MAX_TITLE_CHARS = 300;

/** `POST {base}/{version}/{phone_number_id}/messages` sending `body` to one user. */
export function graphMessagesRequest(
  opts: GraphNumber & {
    /** A phone number (any `+`, spaces or dashes are dropped) or a business-scoped user id. */
    to: string;
    toKind: 'phone' | 'bsuid';
    /** A rendered message (`renderWhatsApp`): `type` and its object. */
    body: Record<string, unknown>;
  },
): GraphPostRequest {
  // Meta accepts a business-scoped id in `to` and silently drops the message: it goes in
  // `recipient`.
  const recipient =
    opts.toKind === 'phone' ? { to: opts.to.replace(/\D/g, '') } : { recipient: opts.to };
  return post(opts, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...recipient,
    ...opts.body,
  });
}

/**
 * Marks an inbound message (and those before it) read and shows the typing indicator until
 * the reply is sent or 25 s pass. Meta answers `{"success": true}`.
 */
export function markReadRequest(opts: GraphNumber & { wamid: string }): GraphPostRequest {
  return post(opts, {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: opts.wamid,
    typing_indicator: { type: 'text' },
  });
}

/**
 * What Meta's answer to a send means. 2xx: `messages[0].id` is the message's `wamid`. An error
 * body is `{error: {message, type, code, error_subcode?, error_data: {messaging_product,
 * details}, fbtrace_id}}`; its `code` decides, then the HTTP status. Status 0: no answer.
 */
export function readGraphSendResponse(
  status: number,
  bodyText: string,
  retryAfterHeader?: string,
  nowMs: number = Date.now(),
): GraphSendResult {
  if (status >= 200 && status < 300) {
    const answer = parseJson(bodyText) as { messages?: Array<{ id?: unknown }> } | null;
    const wamid = answer?.messages?.[0]?.id;
    if (typeof wamid === 'string' && wamid !== '') return { ok: true, wamid };
    return invalidAnswer();
  }
  return graphFailure(status, bodyText, retryAfterHeader, nowMs);
}

/**
 * `GET {base}/{version}/{media_id}`: where an inbound media's bytes are, for about five
 * minutes. With `phoneNumberId`, Meta also checks that the media belongs to that number.
 */
export function mediaLookupRequest(
  opts: Omit<GraphNumber, 'phoneNumberId'> & { mediaId: string; phoneNumberId?: string },
): GraphGetRequest {
  const query = opts.phoneNumberId
    ? `?phone_number_id=${encodeURIComponent(opts.phoneNumberId)}`
    : '';
  return {
    method: 'GET',
    url: `${graphRoot(opts)}/${encodeURIComponent(opts.mediaId)}${query}`,
    headers: { Authorization: bearer(opts.accessToken), Accept: 'application/json' },
  };
}

/** The lookup's answer: `{url, mime_type, sha256, file_size, id, messaging_product}`. */
export function readMediaLookup(
  status: number,
  bodyText: string,
  retryAfterHeader?: string,
  nowMs: number = Date.now(),
): MediaLookupResult {
  if (status >= 200 && status < 300) {
    const answer = parseJson(bodyText) as {
      url?: unknown;
      mime_type?: unknown;
      file_size?: unknown;
    } | null;
    const url = answer?.url;
    const mimeType = answer?.mime_type;
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url) || typeof mimeType !== 'string')
      return invalidAnswer();
    const fileSize = Number(answer?.file_size);
    return {
      ok: true,
      url,
      mimeType,
      ...(answer?.file_size !== undefined && Number.isSafeInteger(fileSize) && fileSize >= 0
        ? { fileSize }
        : {}),
    };
  }
  return graphFailure(status, bodyText, retryAfterHeader, nowMs);
}

/** The media's bytes, at the URL the lookup gave: Meta wants the same bearer token there. */
export function mediaDownloadRequest(url: string, accessToken: string): GraphGetRequest {
  return { method: 'GET', url, headers: { Authorization: bearer(accessToken) } };
}

/**
 * Delay before retrying after attempt number `attempt` (1-based): the outbox's backoff (1 s,
 * 2 s, 4 s … up to 5 minutes, jittered over the upper half of each step), never less than
 * `atLeastMs` — pass a failure's `retryAfterMs`, so a pair rate limit (131056) waits at least
 * 6 s and still grows from try to try.
 */
export function retryDelayMs(
  attempt: number,
  random: () => number = Math.random,
  atLeastMs = 0,
): number {
  return Math.max(outboxBackoffMs(attempt, random), Math.min(atLeastMs, MAX_RETRY_DELAY_MS));
}

const MAX_RETRY_DELAY_MS = 300_000;

function graphFailure(
  status: number,
  bodyText: string,
  retryAfterHeader: string | undefined,
  nowMs: number,
): GraphFailure {
  const error = readGraphError(bodyText);
  const outcome = outcomeOf(status, error?.code);
  const code = error?.code ?? (status === 0 ? 'no_answer' : `http_${status}`);
  const title =
    (error && titleOf(error)) ||
    (status === 0 ? 'No answer from the Graph API (network error or timeout)' : `HTTP ${status}`);
  const failure: GraphFailure = { ok: false, outcome, code, title };
  if (outcome !== 'retry') return failure;
  const waits = [
    parseRetryAfter(retryAfterHeader, nowMs),
    error?.code === PAIR_RATE_LIMIT_CODE ? PAIR_RATE_LIMIT_MS : undefined,
  ].filter((ms): ms is number => ms !== undefined);
  return waits.length > 0 ? { ...failure, retryAfterMs: Math.max(...waits) } : failure;
}

function outcomeOf(status: number, code: number | undefined): GraphOutcome {
  if (code === AUTH_CODE || status === 401) return 'auth';
  if (code !== undefined && RETRY_CODES.has(code)) return 'retry';
  if (code !== undefined && FINAL_CODES.has(code)) return 'final';
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'final';
}

interface GraphError {
  code?: number;
  message?: string;
  details?: string;
}

function readGraphError(bodyText: string): GraphError | null {
  const error = (parseJson(bodyText) as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, error_data } = error as {
    code?: unknown;
    message?: unknown;
    error_data?: { details?: unknown } | null;
  };
  const numeric = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  const details = error_data?.details;
  return {
    ...(typeof numeric === 'number' && Number.isInteger(numeric) ? { code: numeric } : {}),
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof details === 'string' ? { details } : {}),
  };
}

/** `(#131047) Re-engagement message: <details>`, without tokens, of a bounded length. */
function titleOf(error: GraphError): string {
  const parts = [error.message, error.details]
    .map((s) => s?.trim() ?? '')
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i);
  const title = redactTokens(parts.join(': '));
  return shortenText(title, MAX_TITLE_CHARS);
}

/**
 * Graph error messages may quote the token they refused ("Malformed access token EAAG…"):
 * Meta's tokens start with EAA; anything token-like right after "access token" goes too.
 */
function redactTokens(text: string): string {
  return text
    .replace(/\bEAA[A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/(access[ _]?token\W{0,3})[A-Za-z0-9._|-]{16,}/gi, '$1[redacted]');
}

const invalidAnswer = (): GraphFailure => ({
  ok: false,
  // Meta answered success but not in its format: the message may not have left; try again.
  outcome: 'retry',
  code: 'invalid_answer',
  title: 'The Graph API answered 2xx without the expected fields.',
});

function post(at: GraphNumber, body: Record<string, unknown>): GraphPostRequest {
  return {
    method: 'POST',
    url: `${graphRoot(at)}/${encodeURIComponent(at.phoneNumberId)}/messages`,
    headers: {
      Authorization: bearer(at.accessToken),
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: JSON.stringify(body),
  };
}

const graphRoot = (at: { base: string; version: string }): string =>
  `${at.base.replace(/\/+$/, '')}/${encodeURIComponent(at.version.replace(/^\/+|\/+$/g, ''))}`;

const bearer = (token: string): string => `Bearer ${token}`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
