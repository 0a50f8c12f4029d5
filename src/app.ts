import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { bodyMiddleware, requestIdMiddleware } from './common/http-pipeline';
import { createLogger, PinoNestLogger } from './common/logger';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { DatabaseTarget, openDatabase } from './database/open-database';
import { MetricsService } from './metrics/metrics.service';
import { requestMetricsMiddleware } from './metrics/request-metrics.middleware';

export interface AppHandle {
  app: INestApplication;
  logger: Logger;
  database: DatabaseTarget;
  /** Closes the app (and with it the database pool), then the embedded database. */
  close(): Promise<void>;
}

/** Builds the whole server, initialised (migrations applied) but not yet listening. */
export async function createApp(
  config: AppConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<AppHandle> {
  const database = await openDatabase(config);
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot(config, logger, database),
      {
        bodyParser: false,
        logger: new PinoNestLogger(logger),
        abortOnError: false,
      },
    );
    app.disable('x-powered-by');
    // API answers change with every turn: hashing each body for an ETag (Express's default)
    // costs CPU per request and saves nothing. Static assets set their own (web-assets.ts).
    app.set('etag', false);
    app.set('trust proxy', true);
    app.use(requestIdMiddleware);
    app.use(requestMetricsMiddleware(app.get(MetricsService), logger));
    app.use(bodyMiddleware());
    app.useGlobalPipes(createValidationPipe());
    setupOpenApi(app);
    await app.init();
  } catch (err) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw err;
  }
  const nest = app;
  return {
    app: nest,
    logger,
    database,
    async close() {
      await nest.close();
      await database.stop();
    },
  };
}

function setupOpenApi(app: INestApplication): void {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sarufi-compatible gateway: developer API')
      .setDescription(
        'Chatbots, flows, chat sessions, conversations and integrations. Auth: Bearer sk_… API key.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, doc, {
    jsonDocumentUrl: 'api/dev/v1/openapi.json',
    raw: ['json'],
  });
}
