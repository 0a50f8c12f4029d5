import { FieldIssues } from '../api/field-issues';
import {
  parseHttpIntegrationCreate,
  parseHttpIntegrationPatch,
  SECRET_MASK,
  type HttpIntegrationFields,
} from '../api/http-integration-input';
import type { IntegrationRow } from '../integration-row';
import { keepMaskedAuth, keepMaskedHeaders } from '../api/keep-masked-secrets';
import type { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { EffectiveRetryPolicy } from '../http/retry-policy';
import {
  joinHttpIntegration,
  splitAuth,
  type HttpIntegrationPublic,
  type HttpIntegrationSecrets,
} from '../http-integration-record';
import type { IntegrationType, SealedIntegration } from './integration-type';
import { openSecrets } from './open-secrets';

/**
 * `http`: a business backend that flows call with API_CALL (contract: api-call.md). Auth
 * values and header values are secrets: sealed in the `secrets` column, shown as `***`.
 */
export const httpIntegrationType: IntegrationType = {
  type: 'http',

  create(body, box) {
    const fields = parseHttpIntegrationCreate(body);
    const issues = new FieldIssues();
    fields.auth = keepMaskedAuth(fields.auth, null, issues);
    fields.headers = keepMaskedHeaders(fields.headers, null, issues);
    issues.throwIfAny();
    return seal(fields, box);
  },

  patch(row, body, box) {
    const patch = parseHttpIntegrationPatch(body);
    const current = open(row, box);
    const issues = new FieldIssues();
    const next: HttpIntegrationFields = {
      name: patch.name ?? current.name,
      base_url: patch.base_url ?? current.base_url,
      auth: patch.auth ? keepMaskedAuth(patch.auth, current.auth, issues) : current.auth,
      headers: patch.headers
        ? keepMaskedHeaders(patch.headers, current.headers, issues)
        : current.headers,
      query: patch.query ?? current.query,
      timeout: patch.timeout ?? current.timeout,
      retry: patch.retry ?? current.retry,
      max_response_bytes: patch.max_response_bytes ?? current.max_response_bytes,
    };
    issues.throwIfAny();
    return seal(next, box);
  },

  view(row) {
    const config = row.config as HttpIntegrationPublic;
    return {
      base_url: config.base_url,
      auth: maskedAuth(config.auth),
      headers: masked(config.header_names ?? []),
      query: config.query ?? {},
      timeout: config.timeout,
      retry: config.retry,
      max_response_bytes: config.max_response_bytes,
    };
  },
};

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

/** Splits the fields into the public `config` and the sealed `secrets` envelope. */
function seal(fields: HttpIntegrationFields, box: SecretBox): SealedIntegration {
  const auth = splitAuth(fields.auth);
  const config: HttpIntegrationPublic = {
    base_url: fields.base_url,
    auth: auth.public,
    header_names: Object.keys(fields.headers),
    query: fields.query,
    timeout: fields.timeout,
    retry: fields.retry,
    max_response_bytes: fields.max_response_bytes,
  };
  const secrets: HttpIntegrationSecrets = { auth: auth.secret, headers: fields.headers };
  const envelope = box.encrypt(JSON.stringify(secrets));
  return { name: fields.name, config, secrets: envelope, keyId: envelopeKeyId(envelope) };
}

/** The stored integration with its secrets decrypted (only to merge a PATCH). */
function open(row: IntegrationRow, box: SecretBox): HttpIntegrationFields {
  const secrets = openSecrets<HttpIntegrationSecrets>(row, box) ?? { auth: {}, headers: {} };
  const joined = joinHttpIntegration(
    row.id,
    row.name,
    row.config as HttpIntegrationPublic,
    secrets,
  );
  return {
    name: joined.name,
    base_url: joined.base_url,
    auth: joined.auth,
    headers: joined.headers ?? {},
    query: joined.query ?? {},
    timeout: joined.timeout,
    retry: joined.retry as EffectiveRetryPolicy,
    max_response_bytes: joined.max_response_bytes,
  };
}
