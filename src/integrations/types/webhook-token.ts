import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FieldIssues } from '../api/field-issues';
import type { IntegrationRow } from '../integration-row';

/**
 * The token in a channel webhook's URL, for providers that do not sign their requests
 * (USSD gateways, SMS): made by the server, 192 random bits, URL-safe.
 */
export const newWebhookToken = () => randomBytes(24).toString('base64url');

/** Whether a token someone sent is the stored one (never an empty one), in constant time. */
export function sameToken(stored: string, sent: string): boolean {
  const want = Buffer.from(stored);
  const got = Buffer.from(sent);
  return want.length > 0 && want.length === got.length && timingSafeEqual(want, got);
}

/** Whether a token from a URL is this integration's, compared in constant time. */
export function webhookTokenMatches(row: Pick<IntegrationRow, 'webhook_token'>, token: string) {
  return sameToken(row.webhook_token ?? '', token);
}

/** PATCH fields of a channel with a webhook token: the shown ones sent back, and the rotation. */
export const WEBHOOK_PATCH_FIELDS = {
  webhook_url: {},
  webhook_token: {},
  rotate_webhook_token: {
    type: 'boolean',
    message: 'rotate_webhook_token must be true or false.',
  },
};

/**
 * The token a checked PATCH leaves: a new one for `rotate_webhook_token: true`, else
 * undefined (kept). A `webhook_token` sent with another value than the stored one is refused.
 */
export function patchedWebhookToken(
  row: Pick<IntegrationRow, 'webhook_token'>,
  body: Record<string, unknown>,
  issues: FieldIssues,
): string | undefined {
  if (typeof body.webhook_token === 'string' && !webhookTokenMatches(row, body.webhook_token))
    issues.add(
      'webhook_token',
      'webhook_token is made by the server; send "rotate_webhook_token": true for a new one.',
    );
  return body.rotate_webhook_token === true ? newWebhookToken() : undefined;
}
