import { DEFAULT_USSD_GATEWAY, USSD_GATEWAYS } from '../../channels/ussd/gateways';
import { USSD_LIMITS } from '../../engine/limits/message-limits';
import { FieldIssues } from '../api/field-issues';
import { COMMON_FIELDS, READ_ONLY_FIELDS, wholeNumber } from '../api/integration-schema';
import { schemaCheck } from '../api/schema-check';
import type { IntegrationType } from './integration-type';
import { newWebhookToken, patchedWebhookToken, WEBHOOK_PATCH_FIELDS } from './webhook-token';

/** What a `ussd` integration keeps in its public `config` column (it has no secrets). */
export interface UssdIntegrationConfig {
  provider: string;
  service_code: string;
  max_screen_chars: number;
  session_budget_ms: number;
  resume_window_seconds: number;
}

const PROVIDERS = [...USSD_GATEWAYS.keys()];
/** Screens narrower than this cannot hold the resume offer's two options in one screen. */
const MIN_SCREEN_CHARS = 60;
const MAX_SCREEN_CHARS = 1000;

const FIELDS = {
  ...COMMON_FIELDS,
  provider: {
    type: 'string',
    enum: PROVIDERS,
    message: `provider must be one of: ${PROVIDERS.join(', ')}.`,
  },
  service_code: {
    type: 'string',
    pattern: '^[*#0-9]{2,32}$',
    message: 'service_code must be the code users dial, such as "*384*123#" (digits, * and #).',
  },
  max_screen_chars: wholeNumber('max_screen_chars', MIN_SCREEN_CHARS, MAX_SCREEN_CHARS),
  session_budget_ms: wholeNumber('session_budget_ms', 500, 60_000),
  resume_window_seconds: wholeNumber('resume_window_seconds', 0, 86_400),
};

/** Fields of the record that a client may send back unchanged; the server makes them. */
const SHOWN = { ...READ_ONLY_FIELDS, ...WEBHOOK_PATCH_FIELDS, format: {} };

const checkCreate = schemaCheck({
  type: 'object',
  properties: FIELDS,
  required: ['name', 'service_code'],
  additionalProperties: false,
});

const checkPatch = schemaCheck({
  type: 'object',
  properties: {
    ...FIELDS,
    ...SHOWN,
  },
  additionalProperties: false,
});

/** The gateway named by a stored config (the default one for a config that names none). */
export function ussdGatewayOf(config: UssdIntegrationConfig) {
  return USSD_GATEWAYS.get(config.provider) ?? USSD_GATEWAYS.get(DEFAULT_USSD_GATEWAY)!;
}

/**
 * `ussd`: a USSD service code at one of the gateways (contract: channels.md › USSD). Nothing
 * in it is secret: the gateway is authenticated by the unguessable `webhook_token` in the
 * callback URL, made here and replaced by `PATCH {"rotate_webhook_token": true}`.
 */
export const ussdIntegrationType: IntegrationType = {
  type: 'ussd',
  shown: ['webhook_url', 'format'],

  create(body) {
    const issues = new FieldIssues();
    checkCreate(body, issues);
    issues.throwIfAny();
    const provider = (body.provider as string | undefined) ?? DEFAULT_USSD_GATEWAY;
    const config: UssdIntegrationConfig = {
      provider,
      service_code: body.service_code as string,
      max_screen_chars: (body.max_screen_chars as number | undefined) ?? USSD_LIMITS.screenChars,
      session_budget_ms:
        (body.session_budget_ms as number | undefined) ?? USSD_GATEWAYS.get(provider)!.budgetMs,
      resume_window_seconds: (body.resume_window_seconds as number | undefined) ?? 0,
    };
    return {
      name: body.name as string,
      config,
      secrets: null,
      keyId: null,
      webhookToken: newWebhookToken(),
    };
  },

  patch(row, body) {
    const issues = new FieldIssues();
    checkPatch(body, issues);
    const webhookToken = patchedWebhookToken(row, body, issues);
    issues.throwIfAny();
    const current = row.config as UssdIntegrationConfig;
    const provider = (body.provider as string | undefined) ?? current.provider;
    const config: UssdIntegrationConfig = {
      provider,
      service_code: (body.service_code as string | undefined) ?? current.service_code,
      max_screen_chars: (body.max_screen_chars as number | undefined) ?? current.max_screen_chars,
      // A new provider brings its own deadline when the budget was the old one's default; a
      // budget set on purpose stays (unless a new one is given).
      session_budget_ms:
        (body.session_budget_ms as number | undefined) ??
        (current.session_budget_ms === USSD_GATEWAYS.get(current.provider)?.budgetMs
          ? USSD_GATEWAYS.get(provider)!.budgetMs
          : current.session_budget_ms),
      resume_window_seconds:
        (body.resume_window_seconds as number | undefined) ?? current.resume_window_seconds,
    };
    return {
      name: (body.name as string | undefined) ?? row.name,
      config,
      secrets: null,
      keyId: null,
      ...(webhookToken ? { webhookToken } : {}),
    };
  },

  view(row, { publicBaseUrl }) {
    const config = row.config as UssdIntegrationConfig;
    return {
      ...config,
      webhook_token: row.webhook_token,
      webhook_url: `${publicBaseUrl}/webhooks/ussd/${row.id}/${row.webhook_token}`,
      format: ussdGatewayOf(config).format,
    };
  },
};
