import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { PeriodicTask } from '../common/periodic-task';
import type { AppConfig, RetentionConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseReady } from '../database/database-ready';
import { MetricsService } from '../metrics/metrics.service';
import { keyBefore, shortestDays } from './retention-period';
import type { AgedTable, RetentionTable, SlicedTable } from './retention-sql';
import { RetentionRepository } from './retention.repository';

/**
 * Batches per table in one pass: a pass stays short however much is due (or kept), and the
 * next one goes on from where it stopped.
 */
const MAX_BATCHES = 200;

/** What one pass deleted, per table. */
export interface RetentionPass {
  deleted: Record<RetentionTable, number>;
  /** Every table was swept to its end (false: one had more; the next pass goes on). */
  complete: boolean;
}

const AGED: readonly AgedTable[] = ['turn_waiters', 'outbound_requests'];

/**
 * Deletes what is past its period (docs/retention.md) every RETENTION_SWEEP_MS, in batches
 * of RETENTION_BATCH_SIZE rows, each one short statement. Every instance may sweep: rows
 * another sweep holds are skipped, not waited for.
 *
 * The ULID-keyed tables are walked along their primary key in slices, from the oldest up to
 * the start of the shortest period in effect. Rows kept there (an open conversation's
 * messages, a chatbot keeping its traces longer) are stepped over; a pass that stops at its
 * batch limit leaves a cursor, so the next pass goes on instead of reading them again.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic: PeriodicTask<RetentionPass>;
  private readonly settings: RetentionConfig;
  /** Where each table's walk goes on (absent: from the oldest row). */
  private readonly cursors = new Map<SlicedTable, string>();
  private stopping = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(RetentionRepository) private readonly rows: RetentionRepository,
    @Inject(DatabaseReady) private readonly ready: DatabaseReady,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = config.retention;
    this.periodic = new PeriodicTask(
      this.settings.sweepMs,
      () => {
        const pass = this.sweep();
        this.running = pass.catch(() => undefined);
        return pass;
      },
      (err) => logger.error({ err }, 'Retention sweep failed'),
    );
  }

  onApplicationBootstrap(): void {
    if (this.settings.sweepMs === 0) return;
    void this.ready.promise.then(() => {
      if (!this.stopping) this.periodic.start();
    });
  }

  /** Stops between two batches; the database is still open here. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.periodic.stop();
    await this.running;
  }

  /** One pass now, as the timer runs it; undefined while one is running here, or if it failed. */
  runOnce(): Promise<RetentionPass | undefined> {
    return this.periodic.runOnce();
  }

  private async sweep(): Promise<RetentionPass> {
    const started = performance.now();
    const now = new Date();
    const s = this.settings;
    const own = await this.rows.shortestOverrides();
    // [default period, shortest period in effect] per table.
    const periods: Record<SlicedTable, [number, number]> = {
      outbox: [s.outboxDays, s.outboxDays],
      inbox_events: [s.inboxDays, s.inboxDays],
      conversation_traces: [s.tracesDays, shortestDays(s.tracesDays, own.traces)],
      messages: [s.messagesDays, shortestDays(s.messagesDays, own.messages)],
      web_sessions: [s.messagesDays, shortestDays(s.messagesDays, own.messages)],
    };
    const deleted = {} as Record<RetentionTable, number>;
    let complete = true;
    for (const [table, [defaultDays, shortest]] of Object.entries(periods) as Array<
      [SlicedTable, [number, number]]
    >) {
      const out = await this.sweepSliced(table, defaultDays, shortest, now);
      deleted[table] = out.deleted;
      complete &&= out.complete;
    }
    for (const table of AGED) {
      const out = await this.sweepAged(table);
      deleted[table] = out.deleted;
      complete &&= out.complete;
    }
    this.logger.debug(
      { deleted, complete, ms: Math.round(performance.now() - started) },
      'Retention sweep',
    );
    return { deleted, complete };
  }

  private async sweepSliced(
    table: SlicedTable,
    defaultDays: number,
    shortest: number,
    now: Date,
  ): Promise<{ deleted: number; complete: boolean }> {
    if (shortest === 0) {
      this.cursors.delete(table);
      return { deleted: 0, complete: true };
    }
    const size = this.settings.batchSize;
    const before = keyBefore(now, shortest);
    let after = this.cursors.get(table) ?? '';
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES && !this.stopping; batch++) {
      const slice = await this.rows.slice(table, { after, before, size, defaultDays, now });
      deleted += this.count(table, slice.deleted);
      if (slice.last === null || slice.scanned < size) {
        this.cursors.delete(table);
        return { deleted, complete: true };
      }
      after = slice.last;
    }
    this.cursors.set(table, after);
    return { deleted, complete: false };
  }

  private async sweepAged(table: AgedTable): Promise<{ deleted: number; complete: boolean }> {
    const size = this.settings.batchSize;
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES && !this.stopping; batch++) {
      const n = this.count(table, await this.rows.aged(table, size));
      deleted += n;
      if (n < size) return { deleted, complete: true };
    }
    return { deleted, complete: false };
  }

  private count(table: RetentionTable, n: number): number {
    if (n > 0) this.metrics.retentionDeleted.inc({ table }, n);
    return n;
  }
}
