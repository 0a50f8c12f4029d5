import { runMigrations } from '../database/run-migrations';
import { SecretBox } from '../integrations/crypto/secret-box';
import { rotateSecrets } from '../integrations/rotate-secrets';
import { runCli } from './run-cli';

/**
 * `npm run keys:rotate`: re-encrypts every integration secret under ENCRYPTION_KEY, reading
 * old values with the keys in ENCRYPTION_KEY_PREVIOUS (comma-separated). Safe while the
 * server runs on PostgreSQL (each row is a guarded single-row update); on the embedded
 * database, stop the server first. Exits 1 when some secret could not be decrypted.
 */
runCli('keys:rotate', async (ds, config) => {
  await runMigrations(ds);
  const box = new SecretBox({
    current: config.encryptionKey,
    previous: config.previousEncryptionKeys,
  });
  const report = await rotateSecrets(ds, box);
  const failed = report.failed.length;
  process.stdout.write(
    `Secrets scanned (integrations, chatbots' events secrets): ${report.scanned}\n` +
      `Re-encrypted under the current key: ${report.rotated}\n` +
      `Already under the current key: ${report.current}\n` +
      `Changed meanwhile (left alone): ${report.skipped}\n` +
      `Could not be decrypted: ${failed}\n`,
  );
  if (failed > 0) {
    process.stderr.write(
      `These could not be decrypted with ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS: ${report.failed.join(', ')}\n`,
    );
    process.exitCode = 1;
  }
});
