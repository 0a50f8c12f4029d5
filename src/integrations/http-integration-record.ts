import type { RetryPolicy } from '../engine/ports';
import type { HttpIntegrationAuth, HttpIntegrationConfig } from './http/http-integration';

/** What is stored in the `config` column of an http integration: no secret values. */
export interface HttpIntegrationPublic {
  base_url: string;
  /** `name`/`in` for api_key; `header_names` (names only) for the `headers` auth type. */
  auth: {
    type: HttpIntegrationAuth['type'];
    name?: string;
    in?: 'header' | 'query';
    header_names?: string[];
  };
  /** Names only; the values are secret. */
  header_names: string[];
  query: Record<string, string>;
  timeout: { connect_ms: number; read_ms: number };
  retry: RetryPolicy;
  max_response_bytes: number;
}

/** What is encrypted into the `secrets` column: every auth value and every header value. */
export interface HttpIntegrationSecrets {
  auth: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Splits a full auth object into its public shape and its secret values. */
export function splitAuth(auth: HttpIntegrationAuth): {
  public: HttpIntegrationPublic['auth'];
  secret: Record<string, unknown>;
} {
  switch (auth.type) {
    case 'none':
      return { public: { type: 'none' }, secret: {} };
    case 'bearer':
      return { public: { type: 'bearer' }, secret: { token: auth.token } };
    case 'api_key':
      return {
        public: { type: 'api_key', name: auth.name, in: auth.in },
        secret: { key: auth.key },
      };
    case 'basic':
      return {
        public: { type: 'basic' },
        secret: { username: auth.username, password: auth.password },
      };
    case 'headers':
      return {
        public: { type: 'headers', header_names: Object.keys(auth.headers) },
        secret: { headers: auth.headers },
      };
  }
}

/** Rebuilds the caller's config from the stored public part and the decrypted secrets. */
export function joinHttpIntegration(
  id: string,
  name: string,
  pub: HttpIntegrationPublic,
  secrets: HttpIntegrationSecrets,
): HttpIntegrationConfig {
  const { header_names: _names, ...authPublic } = pub.auth;
  return {
    id,
    name,
    base_url: pub.base_url,
    auth: { ...secrets.auth, ...authPublic } as HttpIntegrationAuth,
    headers: secrets.headers,
    query: pub.query,
    timeout: pub.timeout,
    retry: pub.retry,
    max_response_bytes: pub.max_response_bytes,
  };
}
