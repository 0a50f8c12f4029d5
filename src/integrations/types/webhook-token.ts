import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IntegrationRow } from '../integration-row';

/**
 * The token in a channel webhook's URL, for providers that do not sign their requests
 * (USSD gateways, SMS): made by the server, 192 random bits, URL-safe.
 */
export const newWebhookToken = () => randomBytes(24).toString('base64url');

/** Whether a token from a URL is this integration's, compared in constant time. */
export function webhookTokenMatches(row: Pick<IntegrationRow, 'webhook_token'>, token: string) {
  const want = Buffer.from(row.webhook_token ?? '');
  const got = Buffer.from(token);
  return want.length > 0 && want.length === got.length && timingSafeEqual(want, got);
}
