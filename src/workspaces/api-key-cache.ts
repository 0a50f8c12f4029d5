import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { API_KEY_SHAPE, hashApiKey } from './api-key-hash';

export interface Principal {
  workspaceId: string;
  workspaceName: string;
  keyId: string;
  keyPrefix: string;
  keyCreatedAt: Date;
}

interface Entry {
  principal: Principal | null;
  expires: number;
}

/**
 * Verifies API keys against the database, remembering answers (good and bad) for
 * API_KEY_CACHE_SECONDS so the hot path does not query per request. A revocation on this
 * instance takes effect at once; on other instances within that time.
 */
@Injectable()
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.apiKeyCacheSeconds * 1000;
  }

  async verify(key: string): Promise<Principal | null> {
    if (!API_KEY_SHAPE.test(key)) return null;
    const hash = hashApiKey(key);
    const now = Date.now();
    const hit = this.entries.get(hash);
    if (hit && hit.expires > now) return hit.principal;
    const rows: {
      key_id: string;
      prefix: string;
      created_at: Date;
      workspace_id: string;
      workspace_name: string;
    }[] = await this.db.query(
      `SELECT k.id AS key_id, k.prefix, k.created_at, w.id AS workspace_id, w.name AS workspace_name
         FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hash],
    );
    const r = rows[0];
    const principal: Principal | null = r
      ? {
          workspaceId: r.workspace_id,
          workspaceName: r.workspace_name,
          keyId: r.key_id,
          keyPrefix: r.prefix,
          keyCreatedAt: new Date(r.created_at),
        }
      : null;
    if (this.ttlMs > 0) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(hash, { principal, expires: now + this.ttlMs });
    }
    return principal;
  }

  forgetKeyId(keyId: string): void {
    for (const [hash, e] of this.entries)
      if (e.principal?.keyId === keyId) this.entries.delete(hash);
  }
}
