import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { installHttpPipeline } from './common/http-pipeline';
import { createLogger, PinoNestLogger } from './common/logger';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { DatabaseTarget, openDatabase } from './database/open-database';
import { MetricsService } from './metrics/metrics.service';

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
  let app: NestFastifyApplication | undefined;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(config, logger, database),
      // Fastify rather than Express: its router and request pipeline cost less CPU per
      // request (docs/scaling.md › The HTTP framework has the figures).
      new FastifyAdapter({
        // X-Forwarded-For is read only from the proxies in TRUST_PROXY: from anyone else it is
        // whatever the client wrote (the widget's per-address rate limit keys on req.ip).
        trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
        // Webhook tokens and widget keys are path parameters longer than Fastify's default 100.
        routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true },
      }),
      {
        bodyParser: false,
        logger: new PinoNestLogger(logger),
        abortOnError: false,
      },
    );
    installHttpPipeline(app.getHttpAdapter().getInstance(), app.get(MetricsService), logger);
    app.useGlobalPipes(createValidationPipe());
    setupOpenApi(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
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
