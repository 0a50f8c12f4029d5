import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthedRequest } from './api-key.guard';
import type { Principal } from './api-key-cache';

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal =>
    ctx.switchToHttp().getRequest<AuthedRequest>().principal,
);
