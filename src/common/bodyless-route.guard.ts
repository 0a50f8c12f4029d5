import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error';

/** Where Nest records a handler's parameter decorators, and the type number of `@Body()`. */
const ROUTE_ARGS_METADATA = '__routeArguments__';
const BODY_PARAM_TYPE = 3;

/**
 * Routes that declare no `@Body()` (validate, publish, create API key…) refuse a body with
 * fields, instead of silently ignoring it: a client sending `{"bogus_field": 1}` learns at
 * once that nothing it sent was used. An empty object is accepted.
 */
@Injectable()
export class BodylessRouteGuard implements CanActivate {
  private readonly takesBody = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const body: unknown = context.switchToHttp().getRequest<FastifyRequest>().body;
    // Raw bytes (Meta's signed webhooks) are a body the route reads; Object.keys of a Buffer
    // would list every byte.
    if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return true;
    const fields = Object.keys(body);
    if (fields.length === 0 || this.routeTakesBody(context)) return true;
    throw new DomainError(ErrorCode.ValidationFailed, 'This route takes no request body.', [
      { path: fields[0], message: 'is not accepted: this route takes no request body' },
    ]);
  }

  private routeTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesBody.get(handler);
    if (known === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      known = Object.keys(args).some((key) => key.split(':')[0] === String(BODY_PARAM_TYPE));
      this.takesBody.set(handler, known);
    }
    return known;
  }
}
