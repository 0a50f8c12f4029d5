import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { requestPath } from '../common/http-pipeline';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../common/domain-error';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The admin API exists only when ADMIN_TOKEN is set (404 otherwise), and needs that token. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.adminToken ? digest(config.adminToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.expected)
      throw new DomainError(ErrorCode.NotFound, `No route for ${req.method} ${requestPath(req)}.`);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new DomainError(ErrorCode.Unauthenticated, 'Invalid admin token.');
    }
    return true;
  }
}
