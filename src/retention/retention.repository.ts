import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql';
import {
  AGED_SQL,
  type AgedTable,
  SHORTEST_OVERRIDES_SQL,
  SLICE_SQL,
  type SliceRow,
  type SlicedTable,
} from './retention-sql';

/** The chatbots' shortest own periods in days; null where none has one that deletes. */
export interface ShortestOverrides {
  traces: number | null;
  messages: number | null;
}

/** Runs the retention statements (retention-sql.ts), each its own short transaction. */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Deletes what is due among the next `size` rows of `table` after key `after` and before
   * key `before`; `defaultDays` for rows whose chatbot has no period of its own.
   */
  async slice(
    table: SlicedTable,
    p: { after: string; before: string; size: number; defaultDays: number; now: Date },
  ): Promise<SliceRow> {
    const [row] = await sqlRows<SliceRow>(this.db, SLICE_SQL[table], [
      p.after,
      p.before,
      p.size,
      p.defaultDays,
      p.now,
    ]);
    return row;
  }

  /** Deletes up to `size` of the oldest due rows of `table`; how many went. */
  async aged(table: AgedTable, size: number): Promise<number> {
    const [row] = await sqlRows<{ deleted: number }>(this.db, AGED_SQL[table], [size]);
    return row.deleted;
  }

  async shortestOverrides(): Promise<ShortestOverrides> {
    const [row] = await sqlRows<ShortestOverrides>(this.db, SHORTEST_OVERRIDES_SQL);
    return row;
  }
}
