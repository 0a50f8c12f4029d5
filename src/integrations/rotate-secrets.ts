import type { DataSource } from 'typeorm';
import { sqlRows } from '../database/sql';
import type { SecretBox } from './crypto/secret-box';
import { envelopeKeyId } from './envelope-key-id';

export interface RotationReport {
  /** Sealed values (integration secrets, chatbots' events secrets) that were looked at. */
  scanned: number;
  /** Re-encrypted under the current key. */
  rotated: number;
  /** Already under the current key. */
  current: number;
  /** Changed by someone else between read and write: left alone (already written with the current key). */
  skipped: number;
  /**
   * Could not be decrypted with any configured key: whose each one is (`integration <id>`, or
   * `chatbot <id>` for its events secret), never a value.
   */
  failed: string[];
}

const BATCH = 200;

/** Where sealed values live: the table, the sealed column and its key id column. */
const SEALED = [
  { table: 'integrations', column: 'secrets', keyId: 'key_id', label: 'integration' },
  { table: 'chatbots', column: 'events_secret', keyId: 'events_key_id', label: 'chatbot' },
] as const;

/**
 * Re-encrypts every sealed value (integration secrets, chatbots' events secrets) that is not
 * under the box's current key. Each row is one `UPDATE … WHERE id = $1 AND <column> = $old`
 * (its own short transaction), so a running server that edits one meanwhile is never
 * overwritten.
 */
export async function rotateSecrets(db: DataSource, box: SecretBox): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, rotated: 0, current: 0, skipped: 0, failed: [] };
  for (const place of SEALED) await rotateColumn(db, box, place, report);
  return report;
}

async function rotateColumn(
  db: DataSource,
  box: SecretBox,
  { table, column, keyId, label }: (typeof SEALED)[number],
  report: RotationReport,
): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await db.query<{ id: string; secrets: string }[]>(
      `SELECT id, ${column} AS secrets FROM ${table} WHERE ${column} IS NOT NULL AND id > $1 ORDER BY id LIMIT $2`,
      [after, BATCH],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    for (const row of rows) {
      report.scanned += 1;
      if (!box.needsRotation(row.secrets)) {
        report.current += 1;
        continue;
      }
      let sealed: string;
      try {
        sealed = box.encrypt(box.decrypt(row.secrets));
      } catch {
        // A chatbot's id alone was read as an integration's (the operator found no such one).
        report.failed.push(`${label} ${row.id}`);
        continue;
      }
      const updated = await sqlRows<{ id: string }>(
        db,
        `UPDATE ${table} SET ${column} = $2, ${keyId} = $3 WHERE id = $1 AND ${column} = $4 RETURNING id`,
        [row.id, sealed, envelopeKeyId(sealed), row.secrets],
      );
      if (updated.length === 1) report.rotated += 1;
      else report.skipped += 1;
    }
  }
}
