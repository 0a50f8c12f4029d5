import { keywordOf, OPT_IN_WORDS } from '../../channels/sms/sms-text';
import { FieldIssues } from '../api/field-issues';
import { SECRET_MASK } from '../api/http-integration-input';
import { COMMON_FIELDS, READ_ONLY_FIELDS } from '../api/integration-schema';
import { schemaCheck } from '../api/schema-check';
import type { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { IntegrationType, SealedIntegration } from './integration-type';
import { openSecrets } from './open-secrets';
import { newWebhookToken, patchedWebhookToken, WEBHOOK_PATCH_FIELDS } from './webhook-token';

/** Each provider's credential fields, which of them are secret, and its API's address. */
export const SMS_PROVIDER_FIELDS: Readonly<
  Record<string, { required: string[]; optional: string[]; secret: string[]; apiBase: string }>
> = {
  africastalking: {
    required: ['username', 'api_key'],
    optional: ['sender_id'],
    secret: ['api_key'],
    apiBase: 'https://api.africastalking.com',
  },
  twilio: {
    required: ['account_sid', 'auth_token', 'from'],
    optional: [],
    secret: ['auth_token'],
    apiBase: 'https://api.twilio.com',
  },
  beem: {
    required: ['api_key', 'secret_key', 'sender_id'],
    optional: [],
    secret: ['secret_key'],
    apiBase: 'https://apisms.beem.africa',
  },
};
const PROVIDERS = Object.keys(SMS_PROVIDER_FIELDS);
const CREDENTIALS = [
  ...new Set(Object.values(SMS_PROVIDER_FIELDS).flatMap((p) => [...p.required, ...p.optional])),
];

/** What an `sms` integration keeps in its public `config` column. */
export interface SmsIntegrationConfig {
  provider: string;
  api_base: string;
  /** The provider's non-secret credential fields (username, account_sid, from, sender_id…). */
  fields: Record<string, string>;
  /** Words that opt a number out, besides STOP and its synonyms (e.g. "ACHA"). */
  opt_out_keywords: string[];
}

const credential = (name: string) => ({
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  message: `${name} must be a non-empty string of at most 256 characters, without control characters.`,
});

const FIELDS = {
  ...COMMON_FIELDS,
  provider: {
    type: 'string',
    enum: PROVIDERS,
    message: `provider must be one of: ${PROVIDERS.join(', ')}.`,
  },
  api_base: {
    type: 'string',
    pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$',
    maxLength: 2048,
    message: 'api_base must be an absolute http or https URL without a query or fragment.',
  },
  opt_out_keywords: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'string',
      pattern: '^[^\\s]{1,32}$',
      message: 'Each opt-out keyword is one word of at most 32 characters.',
    },
    message: 'opt_out_keywords must be a list of at most 20 words.',
  },
  ...Object.fromEntries(CREDENTIALS.map((name) => [name, credential(name)])),
};

/** Per provider: its own credentials are required, the other providers' are unknown fields. */
const perProvider = (create: boolean) =>
  PROVIDERS.map((provider) => {
    const p = SMS_PROVIDER_FIELDS[provider];
    const foreign = CREDENTIALS.filter((c) => !p.required.includes(c) && !p.optional.includes(c));
    return {
      if:
        provider === 'africastalking'
          ? {
              not: {
                required: ['provider'],
                properties: { provider: { not: { const: provider } } },
              },
            }
          : { required: ['provider'], properties: { provider: { const: provider } } },
      then: {
        ...(create ? { required: p.required } : {}),
        properties: {
          ...Object.fromEntries([...p.required, ...p.optional].map((c) => [c, {}])),
          ...Object.fromEntries(
            foreign.map((c) => [c, { not: {}, message: `${c} is not a field of ${provider}.` }]),
          ),
        },
      },
    };
  });

const checkCreate = schemaCheck({
  type: 'object',
  properties: FIELDS,
  required: ['name'],
  additionalProperties: false,
  allOf: perProvider(true),
});

const checkPatch = schemaCheck({
  type: 'object',
  properties: {
    ...FIELDS,
    ...READ_ONLY_FIELDS,
    ...WEBHOOK_PATCH_FIELDS,
  },
  additionalProperties: false,
  allOf: perProvider(false),
});

/**
 * An opt-out keyword that the channel reads as an opt-in word (START, in any case) would
 * mean both: the number could never opt back in. Checked as the channel reads messages
 * (keywordOf), on the words sent only (a PATCH of other fields keeps the stored list).
 */
function checkOptOutKeywords(body: Record<string, unknown>, issues: FieldIssues): void {
  const words = body.opt_out_keywords;
  if (!Array.isArray(words)) return;
  words.forEach((word, i) => {
    const path = `opt_out_keywords[${i}]`;
    // One problem per path: a word the schema refused is not looked at again.
    if (typeof word !== 'string' || issues.list.some((issue) => issue.path === path)) return;
    if (keywordOf(word, []) === 'opt_in')
      issues.add(
        path,
        `${OPT_IN_WORDS.join(', ')} opts a number back in; it cannot be an opt-out keyword.`,
      );
  });
}

/**
 * `sms`: a number or sender id at Africa's Talking, Twilio or Beem (contract: channels.md ›
 * SMS). Each provider's secret credentials (`api_key`, `auth_token`, `secret_key`) are sealed
 * in the `secrets` column and shown as `***`; the webhook token is made by the server.
 */
export const smsIntegrationType: IntegrationType = {
  type: 'sms',
  shown: ['webhook_url'],

  create(body, box) {
    const issues = new FieldIssues();
    checkCreate(body, issues);
    checkOptOutKeywords(body, issues);
    const provider = (body.provider as string | undefined) ?? 'africastalking';
    for (const name of SMS_PROVIDER_FIELDS[provider]?.secret ?? [])
      if (body[name] === SECRET_MASK)
        issues.add(name, `"${SECRET_MASK}" keeps a stored value; there is none yet.`);
    issues.throwIfAny();
    return seal(body.name as string, provider, body, {}, box, newWebhookToken());
  },

  patch(row, body, box) {
    const issues = new FieldIssues();
    const current = row.config as SmsIntegrationConfig;
    // Fields are checked against the provider the integration will have.
    checkPatch({ provider: current.provider, ...body }, issues);
    checkOptOutKeywords(body, issues);
    const webhookToken = patchedWebhookToken(row, body, issues);
    issues.throwIfAny();
    const provider = (body.provider as string | undefined) ?? current.provider;
    // A new provider needs its own credentials; the same one keeps those not sent.
    const kept =
      provider === current.provider ? { ...current.fields, ...openSecrets(row, box) } : {};
    const merged: Record<string, unknown> = {
      api_base: provider === current.provider ? current.api_base : undefined,
      opt_out_keywords: current.opt_out_keywords,
      ...kept,
      ...body,
    };
    const p = SMS_PROVIDER_FIELDS[provider];
    for (const name of p.required)
      if (merged[name] === undefined) issues.add(name, `${name} is required for ${provider}.`);
    issues.throwIfAny();
    return seal(
      (body.name as string | undefined) ?? row.name,
      provider,
      merged,
      kept,
      box,
      webhookToken,
    );
  },

  view(row, { publicBaseUrl }) {
    const config = row.config as SmsIntegrationConfig;
    return {
      provider: config.provider,
      api_base: config.api_base,
      ...config.fields,
      ...Object.fromEntries(
        SMS_PROVIDER_FIELDS[config.provider].secret.map((s) => [s, SECRET_MASK]),
      ),
      opt_out_keywords: config.opt_out_keywords,
      webhook_token: row.webhook_token,
      webhook_url: `${publicBaseUrl}/webhooks/sms/${row.id}/${row.webhook_token}`,
    };
  },
};

/** Splits the checked fields into the public config and the sealed secrets. */
function seal(
  name: string,
  provider: string,
  input: Record<string, unknown>,
  stored: Record<string, string>,
  box: SecretBox,
  webhookToken: string | undefined,
): SealedIntegration {
  const p = SMS_PROVIDER_FIELDS[provider];
  const fields: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const field of [...p.required, ...p.optional]) {
    let value = input[field] as string | undefined;
    if (value === SECRET_MASK) value = stored[field];
    if (value === undefined) continue;
    if (p.secret.includes(field)) secrets[field] = value;
    else fields[field] = value;
  }
  const config: SmsIntegrationConfig = {
    provider,
    api_base: ((input.api_base as string | undefined) ?? p.apiBase).replace(/\/+$/, ''),
    fields,
    opt_out_keywords: (input.opt_out_keywords as string[] | undefined) ?? [],
  };
  const envelope = box.encrypt(JSON.stringify(secrets));
  return {
    name,
    config,
    secrets: envelope,
    keyId: envelopeKeyId(envelope),
    ...(webhookToken ? { webhookToken } : {}),
  };
}
