import { Controller, Get, Inject } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/domain-error';
import { hasPendingMigrations } from '../database/run-migrations';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(DataSource) @InjectDataSource() private readonly db: DataSource) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready when the database answers and every migration is applied. */
  @Get('ready')
  async ready() {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainError(ErrorCode.Unavailable, 'Database is not reachable.');
    }
    if (await hasPendingMigrations(this.db)) {
      throw new DomainError(ErrorCode.Unavailable, 'Database migrations are pending.');
    }
    return { status: 'ready' };
  }
}
