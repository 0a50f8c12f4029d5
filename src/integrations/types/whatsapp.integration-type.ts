import { FieldIssues } from '../api/field-issues';
import { SECRET_MASK } from '../api/http-integration-input';
import { COMMON_FIELDS, READ_ONLY_FIELDS } from '../api/integration-schema';
import { schemaCheck } from '../api/schema-check';
import type { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { IntegrationRow } from '../integration-row';
import type { IntegrationType, SealedIntegration } from './integration-type';
import { openSecrets } from './open-secrets';

export const GRAPH_API_BASE = 'https://graph.facebook.com';
export const GRAPH_API_VERSION = 'v21.0';

/** What a `whatsapp` integration keeps in its public `config` column. */
export interface WhatsAppIntegrationConfig {
  phone_number_id: string;
  waba_id: string | null;
  verify_token: string;
  graph_api_base: string;
  graph_api_version: string;
}

/** Its sealed secrets. */
export interface WhatsAppSecrets {
  access_token: string;
  app_secret: string;
}

/** `integrations.health` of a WhatsApp number: null is ok. */
export interface IntegrationHealth {
  status: 'auth_failed';
  at: string;
  detail: string;
}

const SECRETS = ['access_token', 'app_secret'] as const;

const FIELDS = {
  ...COMMON_FIELDS,
  phone_number_id: {
    type: 'string',
    // Meta's ids never start with 0; one that did would be a second spelling of the same id.
    pattern: '^[1-9][0-9]{0,31}$',
    message:
      "phone_number_id must be Meta's id of the number: digits, not starting with 0 (not the phone number).",
  },
  waba_id: {
    type: ['string', 'null'],
    pattern: '^[1-9][0-9]{0,31}$',
    message: 'waba_id must be the WhatsApp Business Account id (digits), or null for none.',
  },
  access_token: {
    type: 'string',
    minLength: 1,
    maxLength: 1024,
    pattern: '^[\\x21-\\x7e]+$',
    message: 'access_token must be a token of 1 to 1024 printable characters, without spaces.',
  },
  app_secret: {
    type: 'string',
    minLength: 1,
    maxLength: 256,
    pattern: '^[\\x21-\\x7e]+$',
    message: "app_secret must be the Meta app's secret: 1 to 256 printable characters.",
  },
  verify_token: {
    type: 'string',
    minLength: 8,
    maxLength: 256,
    pattern: '^[\\x21-\\x7e]+$',
    message: 'verify_token must be 8 to 256 printable characters, without spaces.',
  },
  graph_api_base: {
    type: 'string',
    // No user:password@: the record shows this URL as it is.
    pattern: '^https?://[^\\s/?#@]+(/[^\\s?#]*)?$',
    maxLength: 2048,
    message:
      'graph_api_base must be an absolute http or https URL without user:password@, a query or a fragment.',
  },
  graph_api_version: {
    type: 'string',
    pattern: '^v[0-9]{1,3}\\.[0-9]{1,3}$',
    message: 'graph_api_version must look like "v21.0".',
  },
};

/** Fields of the record that a client may send back unchanged; the server makes them. */
const SHOWN = { ...READ_ONLY_FIELDS, webhook_url: {}, health: {} };

const checkCreate = schemaCheck({
  type: 'object',
  properties: FIELDS,
  required: ['name', 'phone_number_id', 'access_token', 'app_secret', 'verify_token'],
  additionalProperties: false,
});

const checkPatch = schemaCheck({
  type: 'object',
  properties: { ...FIELDS, ...SHOWN },
  additionalProperties: false,
});

/**
 * `whatsapp`: one WhatsApp Business number on the Cloud API (contract: channels.md ›
 * WhatsApp). `access_token` and `app_secret` are sealed in the `secrets` column and shown as
 * `***`. Its address is the phone number id: unique per workspace (the service refuses a
 * second one with 409), and how the app-level webhook finds it.
 */
export const whatsappIntegrationType: IntegrationType = {
  type: 'whatsapp',
  shown: ['webhook_url', 'health'],

  create(body, box) {
    const issues = new FieldIssues();
    checkCreate(body, issues);
    for (const name of SECRETS)
      if (body[name] === SECRET_MASK)
        issues.add(name, `"${SECRET_MASK}" keeps a stored value; there is none yet.`);
    issues.throwIfAny();
    return seal(body.name as string, body, null, box);
  },

  patch(row, body, box) {
    const issues = new FieldIssues();
    checkPatch(body, issues);
    issues.throwIfAny();
    const current = row.config as WhatsAppIntegrationConfig;
    const stored = openSecrets<WhatsAppSecrets>(row, box);
    const merged = { ...current, ...stored, ...body };
    // Credentials sent anew (not `***`): the number is presumed healthy until Meta says otherwise.
    const renewed = SECRETS.some((f) => typeof body[f] === 'string' && body[f] !== SECRET_MASK);
    return {
      ...seal((body.name as string | undefined) ?? row.name, merged, stored, box),
      ...(renewed ? { healthReset: true } : {}),
    };
  },

  view(row, { publicBaseUrl }) {
    const config = row.config as WhatsAppIntegrationConfig;
    return {
      phone_number_id: config.phone_number_id,
      waba_id: config.waba_id,
      access_token: SECRET_MASK,
      app_secret: SECRET_MASK,
      verify_token: config.verify_token,
      graph_api_base: config.graph_api_base,
      graph_api_version: config.graph_api_version,
      webhook_url: `${publicBaseUrl}/webhooks/whatsapp/${row.id}`,
      health: healthView(row),
    };
  },
};

function healthView(row: IntegrationRow): Record<string, unknown> {
  const health = row.health as IntegrationHealth | null | undefined;
  return health ? { ...health } : { status: 'ok' };
}

function seal(
  name: string,
  input: Record<string, unknown>,
  stored: WhatsAppSecrets | null,
  box: SecretBox,
): SealedIntegration {
  const secret = (field: (typeof SECRETS)[number]) =>
    input[field] === SECRET_MASK && stored ? stored[field] : (input[field] as string);
  const secrets: WhatsAppSecrets = {
    access_token: secret('access_token'),
    app_secret: secret('app_secret'),
  };
  const config: WhatsAppIntegrationConfig = {
    phone_number_id: input.phone_number_id as string,
    waba_id: (input.waba_id as string | null | undefined) ?? null,
    verify_token: input.verify_token as string,
    graph_api_base: ((input.graph_api_base as string | undefined) ?? GRAPH_API_BASE).replace(
      /\/+$/,
      '',
    ),
    graph_api_version: (input.graph_api_version as string | undefined) ?? GRAPH_API_VERSION,
  };
  const envelope = box.encrypt(JSON.stringify(secrets));
  return {
    name,
    config,
    secrets: envelope,
    keyId: envelopeKeyId(envelope),
    address: config.phone_number_id,
  };
}
