import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `batch_rows(jsonb)`: the elements of a JSON array, as rows, for statements that write the
 * items of a batch at once (several turns' commits: COMMIT_TURN_SQL). Declared to return one
 * row, and PL/pgSQL so that it is not inlined: PostgreSQL then plans each item as one, and
 * finds each item's rows by probing their key's index, as the statements of a single item do,
 * whatever the tables' statistics say. With `unnest` or `jsonb_array_elements` (ten and a
 * hundred rows assumed) it joined a table not yet analyzed by a sequential scan and a hash,
 * and kept that generic plan until the next analyze (docs/scaling.md › Writes grouped across
 * users).
 */
export class BatchRows1765000900000 implements MigrationInterface {
  name = 'BatchRows1765000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION batch_rows(items jsonb) RETURNS SETOF jsonb
      LANGUAGE plpgsql IMMUTABLE STRICT ROWS 1 AS $fn$
      BEGIN
        RETURN QUERY SELECT jsonb_array_elements(items);
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION batch_rows(jsonb)`);
  }
}
