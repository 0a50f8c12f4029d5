import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { ApiChannelModule } from './channels/api/api-channel.module';
import { SmsChannelModule } from './channels/sms/sms-channel.module';
import { WhatsAppChannelModule } from './channels/whatsapp/whatsapp-channel.module';
import { UssdChannelModule } from './channels/ussd/ussd-channel.module';
import { WebChannelModule } from './channels/web/web-channel.module';
import { RestApiChannelModule } from './channels/rest-api/rest-api-channel.module';
import { PlaygroundModule } from './playground/playground.module';
import { EventsModule } from './events/events.module';
import { AgentsModule } from './agents/agents.module';
import { OptOutsModule } from './opt-outs/opt-outs.module';
import { ChatbotsModule } from './chatbots/chatbots.module';
import { BodylessRouteGuard } from './common/bodyless-route.guard';
import { ErrorFilter } from './common/error-filter';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseBootstrap } from './database/database-bootstrap';
import { dataSourceOptions } from './database/data-source-options';
import { DatabaseReadyModule } from './database/database-ready';
import { OutboxModule } from './outbox/outbox.module';
import { FlowsModule } from './flows/flows.module';
import { HealthModule } from './health/health.module';
import { InboxModule } from './inbox/inbox.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { MetricsModule } from './metrics/metrics.module';
import { RetentionModule } from './retention/retention.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    logger: Logger,
    db: { url: string; poolSize: number },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, logger),
        TypeOrmModule.forRoot(
          dataSourceOptions(db.url, db.poolSize, config.databasePreparedStatements),
        ),
        DatabaseReadyModule,
        OutboxModule,
        MetricsModule,
        WorkspacesModule,
        ChatbotsModule,
        FlowsModule,
        IntegrationsModule,
        ApiChannelModule,
        UssdChannelModule,
        SmsChannelModule,
        WhatsAppChannelModule,
        WebChannelModule,
        RestApiChannelModule,
        PlaygroundModule,
        EventsModule,
        AgentsModule,
        OptOutsModule,
        InboxModule,
        RetentionModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_GUARD, useClass: BodylessRouteGuard },
        DatabaseBootstrap,
      ],
    };
  }
}
