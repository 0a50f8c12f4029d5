import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LOGGER } from '../common/logger';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { DatabaseReady } from './database-ready';
import { runMigrations } from './run-migrations';

/** Start-up work that needs the database: migrations (under a lock), then the bootstrap key. */
@Injectable()
export class DatabaseBootstrap implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
    @Inject(DatabaseReady) private readonly ready: DatabaseReady,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.migrateOnStart) {
      this.logger.warn('MIGRATE_ON_START is off: not running migrations');
      this.ready.markReady();
      return;
    }
    const applied = await runMigrations(this.db);
    if (applied.length) this.logger.info({ migrations: applied }, 'Applied migrations');
    this.ready.markReady();
    if (
      this.config.bootstrapApiKey &&
      (await this.workspaces.ensureBootstrapKey(this.config.bootstrapApiKey))
    ) {
      this.logger.info('Created workspace "default" with BOOTSTRAP_API_KEY');
    }
  }
}
