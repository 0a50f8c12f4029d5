import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger';
import { newId } from '../../common/new-id';
import { PeriodicTask } from '../../common/periodic-task';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ConversationRepository } from '../../conversation/conversation.repository';
import { WHATSAPP_CHANNEL } from './whatsapp-session';
import { WHATSAPP_WINDOW_MS } from './whatsapp-window';

/** How long before a window closes the receiver is told (http-api.md: an hour). */
export const WINDOW_WARNING_MS = 60 * 60 * 1000;
const BATCH = 100;

/**
 * `window.expiring`: an hour before a WhatsApp conversation's 24-hour window closes, the
 * chatbot's events receiver is told (a desk can still answer freely, or plan a template).
 * Looked for every HANDOFF_SWEEP_MS; every instance may look, each window is told once.
 */
@Injectable()
export class WhatsAppWindowSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly periodic: PeriodicTask<number>;

  constructor(
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.periodic = new PeriodicTask(
      config.handoffSweepMs,
      () => this.tellExpiring(),
      (err) => logger.error({ err }, 'WhatsApp window sweep failed'),
    );
  }

  onModuleInit(): void {
    this.periodic.start();
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  private tellExpiring(): Promise<number> {
    return this.conversations.tellExpiringWindows({
      channel: WHATSAPP_CHANNEL,
      field: 'last_inbound_at',
      windowMs: WHATSAPP_WINDOW_MS,
      warnMs: WINDOW_WARNING_MS,
      eventIds: Array.from({ length: BATCH }, () => newId()),
    });
  }
}
