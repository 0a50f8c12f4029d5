import { DomainError, ErrorCode } from '../../common/domain-error';
import type { SecretBox } from '../crypto/secret-box';
import type { IntegrationRow } from '../integration-row';

/**
 * Secrets already opened, per row object: a channel's cached integration row is asked for its
 * secrets on every webhook and every send (AES-GCM plus JSON.parse each time was 6 % of a
 * WhatsApp message's CPU). Weak: the values go when the row object does (the channel cache
 * drops rows after two seconds); keyed on the sealed text too, so a row changed in place is
 * opened again.
 */
const opened = new WeakMap<object, { sealed: string; value: unknown }>();

/**
 * An integration's stored secrets, decrypted (to call out, or to keep them across a PATCH);
 * null when it has none. Frozen: the same object is handed to every caller of the same row.
 * 500 (with the cause logged, never the values) when the configured keys cannot open them.
 */
export function openSecrets<T = Record<string, string>>(
  row: Pick<IntegrationRow, 'secrets'>,
  box: SecretBox,
): T | null {
  if (!row.secrets) return null;
  const hit = opened.get(row);
  if (hit?.sealed === row.secrets) return hit.value as T;
  let value: unknown;
  try {
    value = deepFreeze(JSON.parse(box.decrypt(row.secrets)));
  } catch (err) {
    throw new DomainError(
      ErrorCode.Internal,
      'The stored secrets of this integration cannot be decrypted with the configured keys.',
      undefined,
      undefined,
      undefined,
      err instanceof Error ? err.message : 'decrypt failed',
    );
  }
  opened.set(row, { sealed: row.secrets, value });
  return value as T;
}

function deepFreeze(value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
