/** A row of the `integrations` table as `SELECT *` returns it. */
export interface IntegrationRow {
  id: string;
  chatbot_id: string;
  type: string;
  name: string;
  config: unknown;
  secrets: string | null;
  key_id: string | null;
  webhook_token: string | null;
  /** The channel address webhooks are routed by (WhatsApp's phone number id). */
  address: string | null;
  /** A channel's last credential failure (e.g. WhatsApp's `auth_failed`); null: ok. */
  health: unknown;
  created_at: Date;
  updated_at: Date;
}
