import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard';
import type { Principal } from './api-key-cache';
import { CurrentPrincipal } from './principal.decorator';

@ApiTags('me')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/dev/v1/me')
export class MeController {
  @Get()
  me(@CurrentPrincipal() p: Principal) {
    return {
      workspace: { id: p.workspaceId, name: p.workspaceName },
      api_key: { id: p.keyId, prefix: p.keyPrefix, created_at: p.keyCreatedAt.toISOString() },
    };
  }
}
