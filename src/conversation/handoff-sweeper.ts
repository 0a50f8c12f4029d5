import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
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
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(TurnService) private readonly turns: TurnService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.handoffSweepMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass; returns how many conversations went back to the bot. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let released = 0;
    try {
      for (const c of await this.conversations.idleHandoffs(BATCH)) {
        try {
          if (await this.turns.releaseHandoff(c.chatbot_id, c.id)) released++;
        } catch (err) {
          // Busy (a person is answering now) or gone: the next pass looks again.
          if (!(err instanceof TurnRefused)) throw err;
        }
      }
    } catch (err) {
      this.logger.error({ err }, 'Handoff sweep failed');
    } finally {
      this.running = false;
    }
    return released;
  }
}
