import { Injectable } from '@nestjs/common';
import type { OutboxHandler } from './outbox-handler';

/** The outbox's handlers by kind; each module registers its own when it starts. */
@Injectable()
export class OutboxHandlers {
  private readonly byKind = new Map<string, OutboxHandler>();
  private checks: string | null = null;

  register(handler: OutboxHandler): void {
    if (this.byKind.has(handler.kind))
      throw new Error(`An outbox handler for "${handler.kind}" is already registered`);
    this.byKind.set(handler.kind, handler);
    this.checks = null;
  }

  get(kind: string): OutboxHandler | undefined {
    return this.byKind.get(kind);
  }

  /**
   * Every handler's claimCheck over the row `o` (by its kind), as one SQL expression; built
   * once after the handlers registered, not per claim.
   */
  claimCheckSql(): string {
    if (this.checks === null) {
      const whens = [...this.byKind.values()]
        .filter((h) => h.claimCheck)
        .map((h) => `WHEN ${sqlString(h.kind)} THEN (${h.claimCheck})`);
      this.checks = whens.length ? `CASE o.kind ${whens.join(' ')} END` : 'NULL::boolean';
    }
    return this.checks;
  }
}

/** A kind as an SQL string literal (kinds are code's own names, quoted all the same). */
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
