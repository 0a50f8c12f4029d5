import { Global, Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyCache } from './api-key-cache';
import { ApiKeyGuard } from './api-key.guard';
import { MeController } from './me.controller';
import { RateLimiter } from './rate-limiter';
import { WorkspacesService } from './workspaces.service';

@Global()
@Module({
  controllers: [AdminController, MeController],
  providers: [WorkspacesService, ApiKeyCache, ApiKeyGuard, AdminTokenGuard, RateLimiter],
  exports: [WorkspacesService, ApiKeyCache, ApiKeyGuard, RateLimiter],
})
export class WorkspacesModule {}
