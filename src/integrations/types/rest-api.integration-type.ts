import { randomBytes } from 'node:crypto';
import { FieldIssues } from '../api/field-issues';
import { SECRET_MASK } from '../api/http-integration-input';
import { COMMON_FIELDS, READ_ONLY_FIELDS } from '../api/integration-schema';
import { schemaCheck } from '../api/schema-check';
import type { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { IntegrationType, SealedIntegration } from './integration-type';
import { openSecrets } from './open-secrets';
import { sameToken } from './webhook-token';

/** What a `rest-api` integration keeps in its public `config` column. */
export interface RestApiIntegrationConfig {
  /** The business's URL that the bot's replies are POSTed to. */
  webhook_url: string;
}

/** Its sealed secret: what signs the POSTs (X-Sarufi-Signature). */
export interface RestApiSecrets {
  webhook_secret: string;
}

/** `whsec_` + 256 random bits, like a chatbot's events secret. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** An absolute http(s) URL without credentials or a fragment (a path and a query are fine). */
const WEBHOOK_URL = '^https?://[^\\s/?#@]+([/?][^\\s#]*)?$';

const FIELDS = {
  ...COMMON_FIELDS,
  webhook_url: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    pattern: WEBHOOK_URL,
    message:
      'webhook_url must be an absolute http or https URL of at most 2048 characters, without user:password@ or a #fragment.',
  },
};

const checkCreate = schemaCheck({
  type: 'object',
  properties: {
    ...FIELDS,
    webhook_secret: {
      not: {},
      message: 'webhook_secret is made by the server and shown in the answer to this request.',
    },
  },
  required: ['name', 'webhook_url'],
  additionalProperties: false,
});

const checkPatch = schemaCheck({
  type: 'object',
  properties: {
    ...FIELDS,
    ...READ_ONLY_FIELDS,
    messages_url: {},
    webhook_secret: {},
    rotate_webhook_secret: {
      type: 'boolean',
      message: 'rotate_webhook_secret must be true or false.',
    },
  },
  additionalProperties: false,
});

/**
 * `rest-api`: the chatbot as a channel of the business's own (http-api.md › Human agents and
 * business-initiated messages). Users' messages come in through
 * `POST /chatbots/{id}/channels/rest-api/{integration_id}/messages` (shown as `messages_url`);
 * the bot's replies are POSTed to `webhook_url`, signed with `webhook_secret`. The secret is
 * made by the server, sealed, and shown in clear only in the answer that made it (the create,
 * or a PATCH with `"rotate_webhook_secret": true`); `***` everywhere else.
 */
export const restApiIntegrationType: IntegrationType = {
  type: 'rest-api',

  create(body, box) {
    const issues = new FieldIssues();
    checkCreate(body, issues);
    issues.throwIfAny();
    return seal(body.name as string, body.webhook_url as string, newWebhookSecret(), true, box);
  },

  patch(row, body, box) {
    const issues = new FieldIssues();
    checkPatch(body, issues);
    issues.throwIfAny();
    const stored = openSecrets<RestApiSecrets>(row, box)?.webhook_secret ?? '';
    const sent = body.webhook_secret;
    if (
      sent !== undefined &&
      sent !== SECRET_MASK &&
      (typeof sent !== 'string' || !sameToken(stored, sent))
    )
      issues.add(
        'webhook_secret',
        'webhook_secret is made by the server; send "rotate_webhook_secret": true for a new one.',
      );
    issues.throwIfAny();
    const rotate = body.rotate_webhook_secret === true || stored === '';
    const current = row.config as RestApiIntegrationConfig;
    return seal(
      (body.name as string | undefined) ?? row.name,
      (body.webhook_url as string | undefined) ?? current.webhook_url,
      rotate ? newWebhookSecret() : stored,
      rotate,
      box,
    );
  },

  view(row, { publicBaseUrl }) {
    const config = row.config as RestApiIntegrationConfig;
    return {
      webhook_url: config.webhook_url,
      webhook_secret: SECRET_MASK,
      messages_url: `${publicBaseUrl}/api/dev/v1/chatbots/${row.chatbot_id}/channels/rest-api/${row.id}/messages`,
    };
  },
};

function seal(
  name: string,
  webhookUrl: string,
  secret: string,
  reveal: boolean,
  box: SecretBox,
): SealedIntegration {
  const config: RestApiIntegrationConfig = { webhook_url: webhookUrl };
  const secrets: RestApiSecrets = { webhook_secret: secret };
  const envelope = box.encrypt(JSON.stringify(secrets));
  return {
    name,
    config,
    secrets: envelope,
    keyId: envelopeKeyId(envelope),
    ...(reveal ? { revealed: { webhook_secret: secret } } : {}),
  };
}
