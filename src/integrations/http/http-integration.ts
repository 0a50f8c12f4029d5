import type { RetryPolicy } from '../../engine/ports';

export type HttpIntegrationAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'api_key'; key: string; name: string; in: 'header' | 'query' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'headers'; headers: Record<string, string> };

/**
 * A saved HTTP integration as the caller needs it: secrets (auth values and header values)
 * already decrypted. Never log or return this object as is.
 */
export interface HttpIntegrationConfig {
  id: string;
  name: string;
  base_url: string;
  auth: HttpIntegrationAuth;
  /** Secret headers sent with every call (below the action's declared headers). */
  headers: Record<string, string>;
  /** Query parameters (raw, not encoded) sent with every call, below the action's. */
  query: Record<string, string>;
  timeout: { connect_ms: number; read_ms: number };
  retry: RetryPolicy;
  max_response_bytes: number;
}

/** Finds a chatbot's HTTP integration by name; null when there is none. */
export type IntegrationResolver = (
  chatbotId: string,
  name: string,
) => Promise<HttpIntegrationConfig | null>;
