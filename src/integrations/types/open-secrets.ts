import { DomainError, ErrorCode } from '../../common/domain-error';
import type { SecretBox } from '../crypto/secret-box';
import type { IntegrationRow } from '../integration-row';

/**
 * An integration's stored secrets, decrypted (to call out, or to keep them across a PATCH);
 * null when it has none. 500 (with the cause logged, never the values) when the configured
 * keys cannot open them.
 */
export function openSecrets<T = Record<string, string>>(
  row: Pick<IntegrationRow, 'secrets'>,
  box: SecretBox,
): T | null {
  if (!row.secrets) return null;
  try {
    return JSON.parse(box.decrypt(row.secrets)) as T;
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
}
