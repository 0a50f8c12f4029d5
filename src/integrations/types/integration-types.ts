import { DomainError, ErrorCode } from '../../common/domain-error';
import { httpIntegrationType } from './http.integration-type';
import type { IntegrationType } from './integration-type';
import { restApiIntegrationType } from './rest-api.integration-type';
import { smsIntegrationType } from './sms.integration-type';
import { ussdIntegrationType } from './ussd.integration-type';
import { webIntegrationType } from './web.integration-type';
import { whatsappIntegrationType } from './whatsapp.integration-type';

/** Every type of the contract (channels.md), in the order the API lists them. */
export const INTEGRATION_TYPE_NAMES = [
  'http',
  'whatsapp',
  'ussd',
  'sms',
  'web',
  'rest-api',
] as const;

/** The registry: every type of the contract, each in its own file. */
const TYPES: ReadonlyMap<string, IntegrationType> = new Map(
  [
    httpIntegrationType,
    whatsappIntegrationType,
    ussdIntegrationType,
    smsIntegrationType,
    webIntegrationType,
    restApiIntegrationType,
  ].map((t) => [t.type, t]),
);

const bad = (detail: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, detail, [{ path: 'type', message }]);

/**
 * 400 for a stored row of a type this server does not know (written by another version of
 * it): it can be read and deleted, not changed.
 */
export function unsupportedType(type: string): DomainError {
  return bad(
    `type "${type}" is not supported`,
    `type "${type}" is not supported by this server; only ${[...TYPES.keys()].map((t) => `"${t}"`).join(', ')} integrations can be changed.`,
  );
}

/** The type named by a create body's `type`; 400 when missing or unknown. */
export function integrationTypeFor(type: unknown): IntegrationType {
  if (type === undefined)
    throw bad(
      'Request validation failed.',
      `type is required (one of: ${INTEGRATION_TYPE_NAMES.join(', ')}).`,
    );
  const found = typeof type === 'string' ? TYPES.get(type) : undefined;
  if (found) return found;
  throw bad(
    'Request validation failed.',
    `type must be one of: ${INTEGRATION_TYPE_NAMES.join(', ')}.`,
  );
}

/** The type of a stored row (null for a type this server no longer knows). */
export function storedIntegrationType(type: string): IntegrationType | null {
  return TYPES.get(type) ?? null;
}
