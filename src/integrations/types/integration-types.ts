import { DomainError, ErrorCode } from '../../common/domain-error';
import { httpIntegrationType } from './http.integration-type';
import type { IntegrationType } from './integration-type';
import { smsIntegrationType } from './sms.integration-type';
import { ussdIntegrationType } from './ussd.integration-type';
import { webIntegrationType } from './web.integration-type';
import { whatsappIntegrationType } from './whatsapp.integration-type';

/** Every type of the contract (channels.md), in the order the API lists them. */
export const INTEGRATION_TYPE_NAMES = ['http', 'whatsapp', 'ussd', 'sms', 'web', 'rest-api'] as const;

/** The registry: types the API accepts today. A channel adds its file here. */
const TYPES: ReadonlyMap<string, IntegrationType> = new Map(
  [
    httpIntegrationType,
    whatsappIntegrationType,
    ussdIntegrationType,
    smsIntegrationType,
    webIntegrationType,
  ].map(
    (t) => [t.type, t],
  ),
);

const bad = (detail: string, message: string) =>
  new DomainError(ErrorCode.ValidationFailed, detail, [{ path: 'type', message }]);

/** 400 for the types of the contract that are not available yet. */
export function unsupportedType(type: string): DomainError {
  return bad(
    `type "${type}" is not supported yet`,
    `type "${type}" is not supported yet; only ${[...TYPES.keys()].map((t) => `"${t}"`).join(', ')} integrations can be created for now.`,
  );
}

/** The type named by a create body's `type`; 400 when missing, unknown or not available yet. */
export function integrationTypeFor(type: unknown): IntegrationType {
  if (type === undefined)
    throw bad(
      'Request validation failed.',
      `type is required (one of: ${INTEGRATION_TYPE_NAMES.join(', ')}).`,
    );
  const found = typeof type === 'string' ? TYPES.get(type) : undefined;
  if (found) return found;
  if ((INTEGRATION_TYPE_NAMES as readonly unknown[]).includes(type))
    throw unsupportedType(type as string);
  throw bad(
    'Request validation failed.',
    `type must be one of: ${INTEGRATION_TYPE_NAMES.join(', ')}.`,
  );
}

/** The type of a stored row (null for a type this server no longer knows). */
export function storedIntegrationType(type: string): IntegrationType | null {
  return TYPES.get(type) ?? null;
}
