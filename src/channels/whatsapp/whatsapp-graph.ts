import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { SecretBox } from '../../integrations/crypto/secret-box';
import { SsrfGuard } from '../../integrations/http/ssrf-guard';
import type { IntegrationRow } from '../../integrations/integration-row';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import { openSecrets } from '../../integrations/types/open-secrets';
import type {
  IntegrationHealth,
  WhatsAppIntegrationConfig,
  WhatsAppSecrets,
} from '../../integrations/types/whatsapp.integration-type';
import { MetricsService } from '../../metrics/metrics.service';
import { providerRequest, providerStream, type ProviderHttpRequest } from '../provider-http';
import {
  graphMessagesRequest,
  markReadRequest,
  mediaDownloadRequest,
  mediaLookupRequest,
  readGraphSendResponse,
  readMediaLookup,
  type GraphFailure,
  type GraphNumber,
  type GraphSendResult,
} from './graph-api';
import type { WhatsAppUserKind } from './whatsapp-events';

const blocked = (what: string): GraphFailure => ({
  ok: false,
  outcome: 'final',
  code: 'blocked_address',
  title: `${what} points at a private or internal address.`,
});

/**
 * The Graph API calls of one WhatsApp integration: sends, mark-read with the typing
 * indicator, media. `graph_api_base` is the tenant's to set, so private and internal
 * addresses are refused (OUTBOUND_ALLOW_HOSTS lets tests reach a local stub).
 */
@Injectable()
export class WhatsAppGraph {
  private readonly guard: SsrfGuard;

  constructor(
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.guard = new SsrfGuard({ allowHosts: config.outboundAllowHosts });
  }

  /** Sends one rendered message to one user. */
  async send(
    row: IntegrationRow,
    to: { id: string; kind: WhatsAppUserKind },
    body: Record<string, unknown>,
  ): Promise<GraphSendResult> {
    const request = graphMessagesRequest({ ...this.number(row), to: to.id, toKind: to.kind, body });
    if (!(await this.allowed(request.url))) return blocked('graph_api_base');
    const started = process.hrtime.bigint();
    const answer = await providerRequest(request);
    this.metrics.whatsappSendDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    return readGraphSendResponse(answer.status, answer.body, header(answer.headers['retry-after']));
  }

  /** Meta refused the integration's token (190, or HTTP 401): its `health` says so from now. */
  async markAuthFailed(row: IntegrationRow, code: number | string): Promise<void> {
    const health: IntegrationHealth = {
      status: 'auth_failed',
      at: new Date().toISOString(),
      detail: `Meta refused the access token (${code}).`,
    };
    await this.integrations.setHealth(row.id, health);
    this.logger.error(
      { integration_id: row.id, code },
      'WhatsApp: the access token was refused; the integration is marked auth_failed',
    );
  }

  /** Marks an inbound message read, typing indicator on; best effort, never awaited. */
  markRead(row: IntegrationRow, wamid: string): void {
    const request = markReadRequest({ ...this.number(row), wamid });
    void this.allowed(request.url).then(async (ok) => {
      if (!ok) return;
      const answer = await providerRequest(request);
      if (answer.status !== 200)
        this.logger.warn(
          { integration_id: row.id, status: answer.status },
          'WhatsApp: marking a message read failed',
        );
    });
  }

  /**
   * An inbound media file: looked up by id (Meta's URL lasts minutes), then fetched with the
   * token. The response to stream, or the lookup's failure.
   */
  async media(
    row: IntegrationRow,
    mediaId: string,
  ): Promise<{ ok: true; stream: IncomingMessage; mimeType: string } | GraphFailure> {
    const n = this.number(row);
    const lookup = mediaLookupRequest({ ...n, mediaId });
    if (!(await this.allowed(lookup.url))) return blocked('graph_api_base');
    const answer = await providerRequest(lookup);
    const found = readMediaLookup(
      answer.status,
      answer.body,
      header(answer.headers['retry-after']),
    );
    if (!found.ok) return found;
    if (!(await this.allowed(found.url))) return blocked("Meta's media URL");
    const stream = await providerStream(mediaDownloadRequest(found.url, n.accessToken));
    const status = stream?.statusCode ?? 0;
    // Only the file itself is streamed on: a redirect or an error page is not the file.
    if (!stream || status < 200 || status > 299) {
      stream?.resume();
      return {
        ok: false,
        outcome: status === 401 ? 'auth' : 'retry',
        code: stream ? `http_${status}` : 'no_answer',
        title: 'The media file could not be fetched from Meta.',
      };
    }
    return { ok: true, stream, mimeType: found.mimeType };
  }

  private number(row: IntegrationRow): GraphNumber {
    const config = row.config as WhatsAppIntegrationConfig;
    const secrets = openSecrets<WhatsAppSecrets>(row, this.box);
    return {
      base: config.graph_api_base,
      version: config.graph_api_version,
      phoneNumberId: config.phone_number_id,
      accessToken: secrets?.access_token ?? '',
    };
  }

  private async allowed(url: ProviderHttpRequest['url']): Promise<boolean> {
    return (await this.guard.check(new URL(url).hostname)).ok;
  }
}

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
