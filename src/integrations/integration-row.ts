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
  created_at: Date;
  updated_at: Date;
}
