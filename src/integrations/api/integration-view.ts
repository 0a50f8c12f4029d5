import type { HttpIntegrationPublic } from '../http-integration-record';
import type { IntegrationRow } from '../integration-row';
import type { ViewContext } from '../types/integration-type';
import { storedIntegrationType } from '../types/integration-types';

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
  /** Channel types: where the provider calls, and the type's own settings. */
  webhook_url?: string;
  [field: string]: unknown;
  created_at: string;
  updated_at: string;
}

/**
 * Builds the API record from the stored row: the common fields, then the type's own. Only
 * the non-secret `config` column is read; the `secrets` column is never decrypted for a view.
 */
export function integrationView(row: IntegrationRow, context: ViewContext): IntegrationView {
  const base = { id: row.id, chatbot_id: row.chatbot_id, type: row.type, name: row.name };
  const times = {
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
  return { ...base, ...(storedIntegrationType(row.type)?.view(row, context) ?? {}), ...times };
}
