import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { newId } from '../../common/new-id';
import { LOGGER } from '../../common/logger';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { ApiCallRequest, ApiCallResult, HttpCallerPort } from '../../engine';
import { HTTP_CALLER } from '../integrations.tokens';
import { outboxBackoffMs, isRetryableOutcome } from './outbox-retry';
import { sqlRows } from '../../database/sql';

interface ClaimedRow {
  id: string;
  kind: string;
  payload: { request: ApiCallRequest };
  attempts: number;
}

const CLAIM_MS = 120_000;
const BATCH = 10;

/**
 * Delivers the durable outbox (fire-and-forget API calls). Rows are claimed with
 * FOR UPDATE SKIP LOCKED and a time-limited claim, so any number of instances share the
 * work without sending a row twice; a crashed claim is picked up again when it runs out.
 * Woken right after a turn commits; a sweeper retries what is due.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly owner = `outbox:${newId()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HTTP_CALLER) private readonly http: HttpCallerPort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.outboxPollMs > 0) {
      this.timer = setInterval(() => this.kick(), this.config.outboxPollMs);
      this.timer.unref();
    }
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Drain due rows now (coalesced: one drain at a time, another right after if asked). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'Outbox drain failed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits until the current drain (if any) is over; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const rows = await this.claim();
      if (rows.length === 0) return;
      await Promise.all(rows.map((row) => this.deliver(row)));
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    return sqlRows<ClaimedRow>(
      this.db,
      `UPDATE outbox SET locked_by = $1, locked_until = now() + make_interval(secs => $2::float8 / 1000),
                         attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox
                      WHERE status = 'pending' AND next_attempt_at <= now()
                        AND (locked_until IS NULL OR locked_until < now())
                      ORDER BY next_attempt_at
                      LIMIT $3
                      FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, payload, attempts`,
      [this.owner, CLAIM_MS, BATCH],
    );
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    let result: ApiCallResult;
    try {
      // The row id is the request id: every redelivery carries the same X-Sarufi-Request-Id
      // and Idempotency-Key.
      result = await this.http.call({ ...row.payload.request, request_id: row.id }, {});
    } catch (err) {
      result = {
        status_code: 0,
        body: undefined,
        headers: {},
        duration_ms: 0,
        attempts: 1,
        error: String(err),
        error_code: 'network_error',
      };
    }
    const ok = result.status_code >= 200 && result.status_code < 300;
    const log = {
      outbox_id: row.id,
      attempt: row.attempts,
      status_code: result.status_code,
      error: result.error,
    };
    if (ok) {
      await this.finish(row.id, 'done', null, null);
      this.logger.info(log, 'Fire-and-forget call delivered');
      return;
    }
    const retry = isRetryableOutcome(result) && row.attempts < this.config.outboxMaxAttempts;
    await this.finish(
      row.id,
      retry ? 'pending' : 'failed',
      result.error ?? `HTTP ${result.status_code}`,
      retry ? outboxBackoffMs(row.attempts) : null,
    );
    this.logger.warn({ ...log, will_retry: retry }, 'Fire-and-forget call failed');
  }

  private async finish(
    id: string,
    status: 'done' | 'pending' | 'failed',
    error: string | null,
    retryInMs: number | null,
  ) {
    await sqlRows(
      this.db,
      `UPDATE outbox SET status = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
              done_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
              next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                     ELSE now() + make_interval(secs => $5::float8 / 1000) END
        WHERE id = $1 AND locked_by = $2`,
      [id, this.owner, status, error, retryInMs],
    );
  }
}
