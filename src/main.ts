import type { Server } from 'node:http';
import { createApp } from './app';
import { createLogger } from './common/logger';
import { collectStartupGarbage } from './common/startup-garbage';
import { ConfigError } from './config/app-config';
import { loadConfig } from './config/load-config';

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.logLevel);
  for (const w of warnings) logger.warn(w);

  const started = Date.now();
  const handle = await createApp(config, logger);
  await handle.app.listen(config.port, config.host);
  const server = handle.app.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      port,
      database: handle.database.embedded ? 'embedded' : 'postgres',
      startup_ms: Date.now() - started,
    },
    `Listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
  );
  collectStartupGarbage(logger);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('Grace period over: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    force.unref();
    server.close();
    server.closeIdleConnections();
    handle
      .close()
      .then(() => {
        logger.info('Stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'Error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
