import { Injectable } from '@nestjs/common';
import type { OutboxHandler } from './outbox-handler';

/** The outbox's handlers by kind; each module registers its own when it starts. */
@Injectable()
export class OutboxHandlers {
  private readonly byKind = new Map<string, OutboxHandler>();

  register(handler: OutboxHandler): void {
    if (this.byKind.has(handler.kind))
      throw new Error(`An outbox handler for "${handler.kind}" is already registered`);
    this.byKind.set(handler.kind, handler);
  }

  get(kind: string): OutboxHandler | undefined {
    return this.byKind.get(kind);
  }

  /** Every handler's claimCheck over the row `o` (by its kind), as one SQL expression. */
  claimCheckSql(): string {
    const whens = [...this.byKind.values()]
      .filter((h) => h.claimCheck)
      .map((h) => `WHEN ${sqlString(h.kind)} THEN (${h.claimCheck})`);
    return whens.length ? `CASE o.kind ${whens.join(' ')} END` : 'NULL::boolean';
  }
}

/** A kind as an SQL string literal (kinds are code's own names, quoted all the same). */
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
