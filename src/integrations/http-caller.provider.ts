import type { Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LOGGER } from '../common/logger';
import { HttpCaller } from './http/http-caller';
import { IntegrationResolverService } from './integration-resolver.service';
import { HTTP_CALLER } from './integrations.tokens';
import { MeasuredHttpCaller } from './measured-http-caller';
import { MetricsService } from '../metrics/metrics.service';
import { USER_AGENT } from './user-agent';

export const httpCallerProvider: Provider = {
  provide: HTTP_CALLER,
  inject: [APP_CONFIG, LOGGER, IntegrationResolverService, MetricsService],
  useFactory: (
    config: AppConfig,
    logger: Logger,
    resolver: IntegrationResolverService,
    metrics: MetricsService,
  ) =>
    new MeasuredHttpCaller(
      new HttpCaller({
        resolveIntegration: (chatbotId, name) => resolver.resolve(chatbotId, name),
        allowHosts: config.outboundAllowHosts,
        userAgent: USER_AGENT,
        logger: logger.child({ component: 'api_call' }),
      }),
      metrics,
    ),
};
