import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { newId } from './new-id';
import { DomainError, ErrorCode, notFound } from './domain-error';
import { LOGGER } from './logger';
import { missingParentTable, sqlState } from '../database/sql';
import { type ArrivalStamped, bodyTooLarge, requestPath } from './http-pipeline';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Gone]: 410,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Busy]: 503,
  [ErrorCode.Unavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/** The one place that turns errors into HTTP responses: `{detail, errors?}`; 500s carry an error_id. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const { status, body, headers } = this.toResponse(exception, req);
    if (reply.sent) return;
    // A route may have set another type (text/plain, TwiML) before it failed.
    reply.headers(headers).code(status).type('application/json; charset=utf-8').send(body);
  }

  private toResponse(
    exception: unknown,
    req: FastifyRequest,
  ): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
    if (exception instanceof DomainError && exception.code === ErrorCode.Internal) {
      return this.internal(exception.detail, exception.cause ?? exception, req);
    }
    if (exception instanceof DomainError) {
      const body: Record<string, unknown> = { detail: exception.detail, ...exception.extra };
      if (exception.errors) body.errors = exception.errors;
      const headers: Record<string, string> = {};
      if (exception.retryAfter !== undefined) headers['Retry-After'] = String(exception.retryAfter);
      return { status: STATUS[exception.code], body, headers };
    }
    const fromDatabase = databaseRefusal(exception);
    if (fromDatabase)
      return {
        status: STATUS[fromDatabase.code],
        body: { detail: fromDatabase.detail },
        headers: {},
      };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const path = requestPath(req);
        if (status === 413) return this.toResponse(bodyTooLarge(path), req);
        const detail = status === 404 ? `No route for ${req.method} ${path}.` : exception.message;
        return { status, body: { detail }, headers: {} };
      }
    }
    return this.internal('Internal server error.', exception, req);
  }

  private internal(detail: string, cause: unknown, req: FastifyRequest) {
    const errorId = newId();
    this.logger.error(
      {
        error_id: errorId,
        request_id: (req as ArrivalStamped).requestId,
        err: cause,
        method: req.method,
        path: requestPath(req),
      },
      detail,
    );
    return { status: 500, body: { detail, error_id: errorId }, headers: {} };
  }
}

/** What a parent table's rows are called in "… not found" answers. */
const PARENT_NAMES: Record<string, string> = {
  chatbots: 'Chatbot',
  flows: 'Flow',
  conversations: 'Conversation',
  integrations: 'Integration',
  workspaces: 'Workspace',
};

/**
 * Database refusals that are the client's doing, wherever they surface: a unique violation
 * (two clients creating the same name at once) is a 409 on every route; a write under a
 * chatbot (or flow…) deleted while the request ran is a 404, as it would have been a moment
 * later; text PostgreSQL cannot store is a 400 (the edge refuses it first; this is the
 * backstop).
 */
function databaseRefusal(exception: unknown): DomainError | undefined {
  const parent = missingParentTable(exception);
  if (parent) return notFound(PARENT_NAMES[parent] ?? 'Resource');
  switch (sqlState(exception)) {
    case '23505':
      return new DomainError(ErrorCode.Conflict, 'A record with these values already exists.');
    case '22P05':
    case '22021':
      return new DomainError(ErrorCode.BadRequest, 'The request holds text that cannot be stored.');
    case undefined:
    default:
      return undefined;
  }
}
