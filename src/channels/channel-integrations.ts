import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/domain-error';
import type { IntegrationRow } from '../integrations/integration-row';
import { IntegrationsRepository } from '../integrations/integrations.repository';
import { webhookTokenMatches } from '../integrations/types/webhook-token';

/** How long a webhook's integration is kept in memory: a change reaches every instance within it. */
export const CHANNEL_INTEGRATION_TTL_MS = 2000;

/**
 * The integration a channel webhook names, checked against the token in its URL. Rows are
 * kept for two seconds, so a gateway's burst of requests costs one read; a rotated token or
 * a changed setting applies within that time on every instance.
 */
@Injectable()
export class ChannelIntegrations {
  private readonly cache = new Map<string, { row: IntegrationRow | null; until: number }>();
  private readonly byAddressCache = new Map<string, { rows: IntegrationRow[]; until: number }>();

  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
  ) {}

  /** The integration of this type, id and token; 404 (the same for all three) otherwise. */
  async find(type: string, id: string, token: string): Promise<IntegrationRow> {
    const row = await this.byId(type, id);
    if (!row || !webhookTokenMatches(row, token)) throw notFound('Integration');
    return row;
  }

  /** The integrations of this type at a channel address (WhatsApp's app-level webhook). */
  async byAddress(type: string, address: string): Promise<IntegrationRow[]> {
    const key = `${type}@${address}`;
    const now = Date.now();
    let hit = this.byAddressCache.get(key);
    if (!hit || hit.until < now) {
      hit = {
        rows: await this.integrations.findByAddress(type, address),
        until: now + CHANNEL_INTEGRATION_TTL_MS,
      };
      if (this.byAddressCache.size > 10_000) this.byAddressCache.clear();
      this.byAddressCache.set(key, hit);
    }
    return hit.rows;
  }

  /** The integration of this type and id (for deliveries and inbox events), or null. */
  async byId(type: string, id: string): Promise<IntegrationRow | null> {
    const key = `${type}:${id}`;
    const now = Date.now();
    let hit = this.cache.get(key);
    if (!hit || hit.until < now) {
      hit = {
        row: await this.integrations.findChannel(id, type),
        until: now + CHANNEL_INTEGRATION_TTL_MS,
      };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit.row;
  }
}
