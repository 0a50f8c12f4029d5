/**
 * Baseline for `npm run bench:whatsapp`: the least a WhatsApp webhook event can cost on this
 * stack. A bare node:http server with a pg.Pool (whatsapp-bare.ts), per event:
 *   1. checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw bytes with the app secret,
 *      compared with timingSafeEqual);
 *   2. parses the JSON and stores each message in an inbox table of its own (unique on the
 *      wamid, `ON CONFLICT DO NOTHING`: a redelivered message is stored once, answered once);
 *   3. answers 200;
 *   4. then sends the reply to the Graph API (node:http, kept-alive connections), the same
 *      JSON shape the gateway sends, and marks the inbox row done.
 * Its "engine" is stateless: the reply is the menu flow's screen for the button tapped
 * (bench/support/menu-load.ts › MENU_FLOW), the menu for anything else. No framework, no
 * sessions, no outbox, no retries, no mark-read calls.
 */
import {
  type Inbound,
  graphPost,
  query,
  replyFor,
  replyPayload,
  serveWebhooks,
} from './whatsapp-bare';

const CREATE_SQL = `
CREATE TABLE IF NOT EXISTS bench_whatsapp_inbox (
  id bigserial PRIMARY KEY,
  wamid text NOT NULL UNIQUE,
  integration_id text NOT NULL,
  user_id text NOT NULL,
  message jsonb NOT NULL,
  status text NOT NULL DEFAULT 'received',
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
)`;
const INSERT_SQL = `
INSERT INTO bench_whatsapp_inbox (wamid, integration_id, user_id, message)
VALUES ($1, $2, $3, $4)
ON CONFLICT (wamid) DO NOTHING
RETURNING id`;
const DONE_SQL = `UPDATE bench_whatsapp_inbox SET status = $2, done_at = now() WHERE id = $1`;

interface Stored extends Inbound {
  rowId: string;
}

serveWebhooks<Stored>({
  name: 'whatsapp baseline',
  setup: [CREATE_SQL],
  /** Stores every message of the body; returns the new ones (a redelivery stores nothing). */
  async store(integrationId, messages) {
    const stored: Stored[] = [];
    for (const m of messages) {
      const r = await query<{ id: string }>(INSERT_SQL, [
        m.wamid,
        integrationId,
        m.user,
        JSON.stringify(m.message),
      ]);
      if (r.rows[0]) stored.push({ ...m, rowId: r.rows[0].id });
    }
    return stored;
  },
  async deliver(s) {
    const { status } = await graphPost(
      s.phoneNumberId,
      replyPayload(s.user, replyFor(s.input, s.user).message),
    );
    await query(DONE_SQL, [s.rowId, status >= 200 && status < 300 ? 'done' : 'failed']);
  },
});
