import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stores an inbox event in arrival order per session key. The events of one key are stored
 * one at a time (a transaction lock on the key), so their `seq` follows their commit order, and
 * the check "no earlier event of this key is pending" (whether the event may be processed at
 * once) sees every earlier one: a function, because only a new statement after the lock takes
 * a snapshot that includes them. One round trip, as the plain INSERT was. Returns the row's
 * `claimed` flag; no row for a duplicate.
 */
export class InboxStore1764000900000 implements MigrationInterface {
  name = 'InboxStore1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION inbox_store(p_id text, p_integration_id text, p_chatbot_id text, p_channel text,
                                  p_provider_message_id text, p_kind text, p_session_key text,
                                  p_payload jsonb, p_owner text, p_claim_ms float8)
      RETURNS TABLE (claimed boolean) LANGUAGE plpgsql VOLATILE AS $fn$
      BEGIN
        IF p_session_key IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(hashtextextended(p_integration_id || ' ' || p_session_key, 0));
        END IF;
        RETURN QUERY
        INSERT INTO inbox_events AS e (id, integration_id, chatbot_id, channel, provider_message_id, kind,
                                       session_key, payload, locked_by, locked_until, attempts)
        SELECT p_id, p_integration_id, p_chatbot_id, p_channel, p_provider_message_id, p_kind,
               p_session_key, p_payload,
               CASE WHEN f.claim THEN p_owner END,
               CASE WHEN f.claim THEN now() + make_interval(secs => p_claim_ms / 1000) END,
               CASE WHEN f.claim THEN 1 ELSE 0 END
          FROM (SELECT p_owner IS NOT NULL AND (p_session_key IS NULL OR NOT EXISTS (
                         SELECT 1 FROM inbox_events p
                          WHERE p.integration_id = p_integration_id AND p.session_key = p_session_key
                            AND p.status = 'pending')) AS claim) f
        ON CONFLICT (integration_id, provider_message_id) DO NOTHING
        RETURNING e.locked_by IS NOT NULL;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION inbox_store`);
  }
}
