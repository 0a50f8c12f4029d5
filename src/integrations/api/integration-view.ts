import type { HttpIntegrationPublic } from '../http-integration-record';
import { SECRET_MASK } from './http-integration-input';

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

/** An integration as the API shows it: every secret value replaced by `***`. */
export interface IntegrationView {
  id: string;
  chatbot_id: string;
  type: string;
  name: string;
  base_url?: string;
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  timeout?: HttpIntegrationPublic['timeout'];
  retry?: HttpIntegrationPublic['retry'];
  max_response_bytes?: number;
  created_at: string;
  updated_at: string;
}

const masked = (names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((name) => [name, SECRET_MASK]));

/** The public auth shape with its secret fields present and masked. */
export function maskedAuth(auth: HttpIntegrationPublic['auth']): Record<string, unknown> {
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'bearer':
      return { type: 'bearer', token: SECRET_MASK };
    case 'api_key':
      return { type: 'api_key', name: auth.name, in: auth.in, key: SECRET_MASK };
    case 'basic':
      return { type: 'basic', username: SECRET_MASK, password: SECRET_MASK };
    case 'headers':
      return { type: 'headers', headers: masked(auth.header_names ?? []) };
  }
}

/**
 * Builds the API record from the stored row. Only the non-secret `config` column is read;
 * the `secrets` column is never decrypted for a view.
 */
export function integrationView(row: IntegrationRow): IntegrationView {
  const base = { id: row.id, chatbot_id: row.chatbot_id, type: row.type, name: row.name };
  const times = {
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
  if (row.type !== 'http') return { ...base, ...times };
  const config = row.config as HttpIntegrationPublic;
  return {
    ...base,
    base_url: config.base_url,
    auth: maskedAuth(config.auth),
    headers: masked(config.header_names ?? []),
    query: config.query ?? {},
    timeout: config.timeout,
    retry: config.retry,
    max_response_bytes: config.max_response_bytes,
    ...times,
  };
}
