import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `outbox_claim`: the claim of due outbox rows (OutboxRepository.claim, and the hand-on of
 * finishMany), as a function planned with bitmap scans off. A delivered row leaves a dead
 * entry in `outbox_due_idx` (its status left the index's predicate), and only a plain index
 * scan marks such entries dead for later scans to skip; a bitmap scan, which PostgreSQL chose
 * for the claim, reads each one's heap page again on every claim until a VACUUM. Measured in
 * `npm run bench:whatsapp` (no autovacuum there): 17,000 dead entries and 2,000 heap pages
 * read by every claim, 5 ms each, against 57 index pages and 0.15 ms with a plain index scan.
 * Arguments: the owner and the claim's length (ms); at most `p_limit` rows; rows of the
 * `chatbot kind` pairs in `p_skip` left; only rows of `p_chatbot_id` and `p_kind` when
 * `p_chatbot_id` is not null; rows whose id is in `p_except` left. Only the head of an
 * ordering key is claimed (the oldest row of the key still waiting: rows of one key go one at
 * a time and in order), oldest due first; the head test is a scalar subquery, one probe of
 * outbox_ordering_idx per candidate (see migration 1765000800000: as a NOT EXISTS, PostgreSQL
 * made it an anti join comparing each candidate with every waiting row, quadratic in a backlog).
 */
export class OutboxClaim1765001100000 implements MigrationInterface {
  name = 'OutboxClaim1765001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_claim(p_owner text, p_claim_ms float8, p_limit int, p_skip text[],
                                   p_chatbot_id bpchar, p_kind text, p_except bpchar[])
      RETURNS SETOF outbox
      LANGUAGE plpgsql
      SET enable_bitmapscan = off
      AS $fn$
      BEGIN
        RETURN QUERY
        UPDATE outbox o
           SET locked_by = p_owner, locked_until = now() + make_interval(secs => p_claim_ms / 1000),
               attempts = o.attempts + 1
         WHERE o.id IN (SELECT c.id FROM outbox c
                         WHERE c.status = 'pending' AND c.next_attempt_at <= now()
                           AND (c.locked_until IS NULL OR c.locked_until < now())
                           AND (p_chatbot_id IS NULL OR (c.chatbot_id = p_chatbot_id AND c.kind = p_kind))
                           AND NOT ((c.chatbot_id || ' ' || c.kind) = ANY(p_skip))
                           AND NOT (c.id = ANY(p_except))
                           AND c.id = (SELECT w.id FROM outbox w
                                        WHERE w.ordering_key = c.ordering_key
                                          AND w.status NOT IN ('done', 'failed')
                                        ORDER BY w.created_at, w.id LIMIT 1)
                         ORDER BY c.next_attempt_at, c.created_at, c.id
                         LIMIT p_limit
                         FOR UPDATE SKIP LOCKED)
        RETURNING o.*;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION outbox_claim`);
  }
}
