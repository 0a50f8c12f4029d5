import { AppConfig } from '../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseTarget {
  url: string;
  poolSize: number;
  embedded: boolean;
  /** Stops the embedded server; a no-op for an external PostgreSQL. */
  stop(): Promise<void>;
}

export async function openDatabase(config: AppConfig): Promise<DatabaseTarget> {
  if (config.databaseUrl) {
    return {
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      embedded: false,
      stop: async () => {},
    };
  }
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return { url: embedded.url, poolSize: 1, embedded: true, stop: () => embedded.stop() };
}
