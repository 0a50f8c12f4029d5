import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../common/domain-error';
import { ApiKeyCache, Principal } from './api-key-cache';
import { RateLimiter } from './rate-limiter';

export type AuthedRequest = FastifyRequest & { principal: Principal };

const INVALID = 'Invalid or expired API key.';

/** Guards every /api/dev/v1 route: `Authorization: Bearer sk_…`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(ApiKeyCache) private readonly keys: ApiKeyCache,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const principal = match ? await this.keys.verify(match[1]) : null;
    if (!principal) throw new DomainError(ErrorCode.Unauthenticated, INVALID);
    const wait = this.limiter.take(principal.keyId);
    if (wait > 0) {
      throw new DomainError(
        ErrorCode.RateLimited,
        'Rate limit exceeded for this API key.',
        undefined,
        wait,
      );
    }
    req.principal = principal;
    return true;
  }
}
