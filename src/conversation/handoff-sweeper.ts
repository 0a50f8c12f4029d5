import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { PeriodicTask } from '../common/periodic-task';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConversationRepository } from './conversation.repository';
import { TurnRefused } from './turn-refused';
import { TurnService } from './turn.service';

const BATCH = 100;

/**
 * Gives idle handoffs back to the bot (a flow's `settings.handoff_idle_release_minutes`):
 * every HANDOFF_SWEEP_MS, each under its session's lease, so a person answering at that
 * moment wins. Every instance sweeps; the lease makes two sweeps of one conversation harmless.
 */
@Injectable()
export class HandoffSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly periodic: PeriodicTask<number>;

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.periodic = new PeriodicTask(
      config.handoffSweepMs,
      () => this.releaseIdle(),
      (err) => logger.error({ err }, 'Handoff sweep failed'),
    );
  }

  onModuleInit(): void {
    this.periodic.start();
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  private async releaseIdle(): Promise<number> {
    let released = 0;
    for (const c of await this.conversations.idleHandoffs(BATCH)) {
      try {
        if (await this.turns.releaseHandoff(c.chatbot_id, c.id)) released++;
      } catch (err) {
        // Busy (a person is answering now) or gone: the next pass looks again.
        if (!(err instanceof TurnRefused)) throw err;
      }
    }
    return released;
  }
}
