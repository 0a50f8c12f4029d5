import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { MetricsService } from '../metrics/metrics.service';
import { DomainError, ErrorCode } from './domain-error';
import { findBadInput } from './input-scan';
import { newId } from './new-id';

/** Request bodies, in MiB: 1, and 3 on Meta's webhooks (its batches may reach that). */
const LIMIT_MIB = 1;
const SIGNED_RAW_LIMIT_MIB = 3;
const MIB = 1024 * 1024;
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Flat form fields only, at most this many (a name sent twice becomes a list, refused later). */
const FORM_FIELDS = 200;

/** The request's arrival (process.hrtime.bigint() in the first hook), for the metrics. */
export interface ArrivalStamped {
  arrivedAt?: bigint;
  requestId?: string;
}

/** Provider webhooks: some gateways post HTML forms (Africa's Talking, Twilio). */
const WEBHOOKS = '/webhooks/';
const FORM = 'application/x-www-form-urlencoded';
/**
 * Meta's webhooks: signed over the raw bytes, so the body reaches the route as those bytes
 * (a Buffer) and is parsed there after the signature is checked.
 */
const SIGNED_RAW = /^\/webhooks\/whatsapp(\/|$)/;

/** The path of a request, without its query string. */
export function requestPath(req: { url: string }): string {
  const q = req.url.indexOf('?');
  return q === -1 ? req.url : req.url.slice(0, q);
}

/** The 413 for a body over its path's limit (Fastify's own 413 past 3 MiB is worded so too). */
export function bodyTooLarge(path: string): DomainError {
  const mib = SIGNED_RAW.test(path) ? SIGNED_RAW_LIMIT_MIB : LIMIT_MIB;
  return new DomainError(ErrorCode.PayloadTooLarge, `Request body is larger than ${mib} MiB.`);
}

/**
 * The edge every request passes, as Fastify hooks and one content parser (see
 * docs/server-behaviour.md › HTTP API): a request id, request bodies (JSON; on provider
 * webhooks also HTML forms; 415 otherwise, 413 past the limit), bad input refused before any
 * route sees it, and one access log line with the route's metrics. The request id is on that
 * line and on a 500's, not on every line written during the request: carrying it there took
 * an AsyncLocalStorage, whose promise hooks cost about 5 % of a Chat API turn's CPU on Node 20.
 */
export function installHttpPipeline(
  fastify: FastifyInstance,
  metrics: MetricsService,
  logger: Logger,
): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const stamped = req as FastifyRequest & ArrivalStamped;
    stamped.arrivedAt = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : newId();
    stamped.requestId = requestId;
    reply.header('X-Request-Id', requestId);
    done();
  });
  fastify.removeAllContentTypeParsers();
  // Fastify refuses what is over the larger limit before reading it; parseBody the rest.
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: SIGNED_RAW_LIMIT_MIB * MIB },
    readBody,
  );
  // After the body is read: bad input refused, and the wait so far observed (here, not by a
  // Nest interceptor: one interceptor puts rxjs on every request's path, 3.6 % of a Chat API
  // turn's busy CPU).
  fastify.addHook('preHandler', (req, _reply, done) => {
    const { arrivedAt } = req as ArrivalStamped;
    if (arrivedAt !== undefined)
      metrics.requestToHandler.observe(Number(process.hrtime.bigint() - arrivedAt) / 1e9);
    done(refuseBadInput(req));
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    logRequest(req, reply, metrics, logger);
    done();
  });
}

/** Counts and times every request by its route pattern, and writes one access log line. */
function logRequest(
  req: FastifyRequest,
  reply: FastifyReply,
  metrics: MetricsService,
  logger: Logger,
): void {
  const start = (req as ArrivalStamped).arrivedAt ?? process.hrtime.bigint();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const route = req.is404 ? 'unmatched' : (req.routeOptions.url ?? 'unmatched');
  const status = reply.statusCode;
  metrics.httpRequests.inc({ method: req.method, route, status: String(status) });
  metrics.httpDuration.observe({ method: req.method, route }, seconds);
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      request_id: (req as ArrivalStamped).requestId,
      method: req.method,
      route,
      status,
      duration_ms: Math.round(seconds * 1e4) / 10,
    },
    'request',
  );
}

type MediaType = 'json' | 'form' | null;

function mediaType(header: string | undefined): { type: MediaType; charset: string | null } {
  if (!header) return { type: null, charset: null };
  const [essence, ...params] = header.split(';');
  const name = essence.trim().toLowerCase();
  const charset =
    params
      .map((p) => p.trim().toLowerCase())
      .find((p) => p.startsWith('charset='))
      ?.slice(8)
      .replace(/^"|"$/g, '') ?? null;
  if (name === 'application/json' || /^application\/[^/]+\+json$/.test(name))
    return { type: 'json', charset };
  if (name === FORM) return { type: 'form', charset };
  return { type: null, charset };
}

/**
 * The one content parser: JSON (any value, then refused unless an object), forms on provider
 * webhooks, and the raw bytes on Meta's signed webhooks.
 */
function readBody(
  req: FastifyRequest,
  body: Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  try {
    done(null, parseBody(req, body));
  } catch (err) {
    done(err as Error);
  }
}

function parseBody(req: FastifyRequest, body: Buffer): unknown {
  const path = requestPath(req);
  const webhook = path.startsWith(WEBHOOKS);
  const { type, charset } = mediaType(req.headers['content-type']);
  if (type === null || (type === 'form' && !webhook))
    throw new DomainError(
      ErrorCode.UnsupportedMediaType,
      webhook
        ? `Content-Type must be application/json or ${FORM}.`
        : 'Content-Type must be application/json.',
    );
  const encoding = req.headers['content-encoding'];
  if ((encoding && encoding.toLowerCase() !== 'identity') || (charset && charset !== 'utf-8'))
    throw new DomainError(ErrorCode.UnsupportedMediaType, 'Unsupported request body encoding.');
  if (type === 'json' && SIGNED_RAW.test(path)) return body;
  if (body.length > LIMIT_MIB * MIB) throw bodyTooLarge(path);
  if (type === 'form') return parseForm(body.toString('utf8'));
  if (body.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw wholeBody('Request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw wholeBody('Request body must be a JSON object.');
  return value;
}

/** A 400 about the body as a whole: its path is the root (''), as validation errors give. */
const wholeBody = (detail: string) =>
  new DomainError(ErrorCode.BadRequest, detail, [{ path: '', message: detail }]);

function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  let fields = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) fields++;
  if (fields > FORM_FIELDS)
    throw new DomainError(ErrorCode.PayloadTooLarge, 'Request form has too many fields.');
  return { ...parseQueryString(text) };
}

/**
 * Refuses, before any route or DTO transformation sees them, request bodies, query strings
 * and headers holding what cannot be stored or transformed safely (see findBadInput).
 */
function refuseBadInput(req: FastifyRequest): DomainError | undefined {
  const bad =
    (Buffer.isBuffer(req.body) ? undefined : findBadInput(req.body, '')) ??
    findBadInput(req.query, 'query') ??
    findBadInput(req.headers, 'headers');
  if (!bad) return undefined;
  return new DomainError(
    ErrorCode.ValidationFailed,
    `Invalid request: ${bad.path} ${bad.message}.`,
    [{ path: bad.path, message: bad.message }],
  );
}
