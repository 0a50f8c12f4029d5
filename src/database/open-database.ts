import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { MIGRATIONS } from './migrations';
import { findTemplate } from './pglite-template';

export interface DatabaseTarget {
  url: string;
  poolSize: number;
  embedded: boolean;
  /** The embedded database was created at this start from the build's template. */
  fromTemplate: boolean;
  /** Stops the embedded server; a no-op for an external PostgreSQL. */
  stop(): Promise<void>;
}

export async function openDatabase(config: AppConfig): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    return {
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      embedded: false,
      fromTemplate: false,
      stop: async () => {},
    };
  }
  const template = findTemplate(MIGRATIONS.map((m) => m.name));
  const embedded = await startEmbeddedPostgres(config.dataDir, template);
  return {
    url: embedded.url,
    poolSize: 1,
    embedded: true,
    fromTemplate: embedded.fromTemplate,
    stop: () => embedded.stop(),
  };
}
