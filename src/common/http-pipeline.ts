import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { newId } from './new-id';
import { DomainError, ErrorCode } from './domain-error';
import { findBadInput } from './input-scan';
import { requestContext } from './request-context';

export const BODY_LIMIT = '1mb';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's arrival (process.hrtime.bigint() in the first middleware), for the metrics. */
export interface ArrivalStamped {
  arrivedAt?: bigint;
}

/** Echoes a sane incoming X-Request-Id or makes one; every response carries it. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  (req as ArrivalStamped).arrivedAt = process.hrtime.bigint();
  const incoming = req.header('x-request-id');
  const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newId();
  res.setHeader('X-Request-Id', requestId);
  (req as Request & { requestId: string }).requestId = requestId;
  requestContext.run({ requestId }, next);
}

function hasBody(req: Request): boolean {
  const len = req.header('content-length');
  return req.header('transfer-encoding') !== undefined || (len !== undefined && len !== '0');
}

/** Provider webhooks: some gateways post HTML forms (Africa's Talking, Twilio). */
const WEBHOOKS = '/webhooks/';
const FORM = 'application/x-www-form-urlencoded';
/**
 * Meta's webhooks: signed over the raw bytes, so the body reaches the route as those bytes
 * (a Buffer) and is parsed there after the signature is checked; batches may reach 3 MB.
 */
const SIGNED_RAW = /^\/webhooks\/whatsapp(\/|$)/;

/**
 * Request bodies: JSON, and on provider webhooks also HTML forms (415 otherwise), at most
 * 1 MiB (413). The raw bytes are kept for routes that verify signatures.
 */
export function bodyMiddleware(): express.RequestHandler[] {
  const requireKnownType = (req: Request, _res: Response, next: NextFunction): void => {
    if (!hasBody(req) || req.is('application/json') || req.is('application/*+json')) return next();
    if (req.path.startsWith(WEBHOOKS) && req.is(FORM)) return next();
    next(
      new DomainError(
        ErrorCode.UnsupportedMediaType,
        req.path.startsWith(WEBHOOKS)
          ? `Content-Type must be application/json or ${FORM}.`
          : 'Content-Type must be application/json.',
      ),
    );
  };
  const keepRaw = (req: unknown, _res: unknown, buf: Buffer) => {
    (req as { rawBody: Buffer }).rawBody = buf;
  };
  const json = express.json({
    limit: BODY_LIMIT,
    strict: false,
    type: ['application/json', 'application/*+json'],
    verify: keepRaw,
  });
  // Flat fields only: a name sent twice becomes a list, which the webhook then refuses.
  const form = express.urlencoded({
    limit: BODY_LIMIT,
    extended: false,
    type: FORM,
    parameterLimit: 200,
    verify: keepRaw,
  });
  const raw = express.raw({
    limit: '3mb',
    type: ['application/json', 'application/*+json'],
  });
  const parse = (req: Request, res: Response, done: (err?: unknown) => void): void =>
    req.is(FORM) ? form(req, res, done) : json(req, res, done);
  const parseStrictly = (req: Request, res: Response, next: NextFunction): void => {
    if (SIGNED_RAW.test(req.path)) {
      raw(req, res, (err?: unknown) => next(err ? bodyParserError(err, '3 MiB') : undefined));
      return;
    }
    parse(req, res, (err?: unknown) => {
      if (err) {
        next(bodyParserError(err));
        return;
      }
      const body: unknown = req.body;
      if (hasBody(req) && (body === null || typeof body !== 'object' || Array.isArray(body))) {
        next(new DomainError(ErrorCode.BadRequest, 'Request body must be a JSON object.'));
        return;
      }
      next(refuseBadInput(req));
    });
  };
  return [requireKnownType, parseStrictly];
}

/**
 * Refuses, before any route or DTO transformation sees them, request bodies, query strings
 * and headers holding what cannot be stored or transformed safely (see findBadInput).
 */
function refuseBadInput(req: Request): DomainError | undefined {
  const bad =
    findBadInput(req.body, '') ??
    findBadInput(req.query, 'query') ??
    findBadInput(req.headers, 'headers');
  if (!bad) return undefined;
  return new DomainError(
    ErrorCode.ValidationFailed,
    `Invalid request: ${bad.path} ${bad.message}.`,
    [{ path: bad.path, message: bad.message }],
  );
}

function bodyParserError(err: unknown, limit = '1 MiB'): unknown {
  switch ((err as { type?: string }).type) {
    case 'entity.parse.failed':
      return new DomainError(ErrorCode.BadRequest, 'Request body is not valid JSON.');
    case 'parameters.too.many':
      return new DomainError(ErrorCode.PayloadTooLarge, 'Request form has too many fields.');
    case 'entity.too.large':
      return new DomainError(ErrorCode.PayloadTooLarge, `Request body is larger than ${limit}.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError(ErrorCode.UnsupportedMediaType, 'Unsupported request body encoding.');
    case undefined:
    default:
      return err;
  }
}
