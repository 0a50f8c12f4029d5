import { Body, Controller, Delete, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';
import { CreateWorkspaceDto } from './workspaces.dto';
import { WorkspacesService } from './workspaces.service';
import { UlidPipe } from '../common/ulid.pipe';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/admin/v1')
export class AdminController {
  constructor(@Inject(WorkspacesService) private readonly workspaces: WorkspacesService) {}

  @Post('workspaces')
  async createWorkspace(@Body() dto: CreateWorkspaceDto) {
    const ws = await this.workspaces.createWorkspace(dto.name.trim());
    const key = await this.workspaces.createKey(ws.id);
    return {
      id: ws.id,
      name: ws.name,
      created_at: ws.createdAt.toISOString(),
      api_key: key.api_key,
    };
  }

  @Post('workspaces/:id/api-keys')
  createKey(@Param('id', UlidPipe) id: string) {
    return this.workspaces.createKey(id);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  async revokeKey(@Param('id', UlidPipe) id: string): Promise<void> {
    await this.workspaces.revokeKey(id);
  }
}
