import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
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
}

/** Answers kept per instance (least recently used out first). */
export const API_KEY_CACHE_MAX = 10_000;
/** Injection token to give an ApiKeyCache another bound (specs). */
export const API_KEY_CACHE_LIMIT = Symbol('API_KEY_CACHE_LIMIT');

/**
 * Verifies API keys against the database, remembering answers (good and bad) for
 * API_KEY_CACHE_SECONDS so the hot path does not query per request. A revocation on this
 * instance takes effect at once; on other instances within that time. At most
 * API_KEY_CACHE_MAX answers are kept: a flood of made-up keys pushes out the least recently
 * used, not the keys in use. When an answer expires, the requests that find it gone at once
 * share one lookup (with 200 requests in flight on one key, each expiry sent 200 queries).
 */
@Injectable()
export class ApiKeyCache {
  /** Key hash → answer; null when API_KEY_CACHE_SECONDS is 0 (every request asks the database). */
  private readonly entries: LRUCache<string, Entry> | null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(API_KEY_CACHE_LIMIT) max: number = API_KEY_CACHE_MAX,
  ) {
    const ttl = config.apiKeyCacheSeconds * 1000;
    this.entries =
      ttl > 0
        ? new LRUCache<string, Entry>({
            max,
            ttl,
            // A lookup pushed out before it finished still answers the requests waiting on it.
            ignoreFetchAbort: true,
            fetchMethod: (hash) => this.lookup(hash),
          })
        : null;
  }

  async verify(key: string): Promise<Principal | null> {
    if (!API_KEY_SHAPE.test(key)) return null;
    const hash = hashApiKey(key);
    const entry = this.entries ? await this.entries.fetch(hash) : await this.lookup(hash);
    return entry?.principal ?? null;
  }

  private async lookup(hash: string): Promise<Entry> {
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
    return { principal };
  }

  forgetKeyId(keyId: string): void {
    if (!this.entries) return;
    for (const [hash, e] of this.entries.entries())
      if (e.principal?.keyId === keyId) this.entries.delete(hash);
  }

  /** Answers held now (at most the bound). */
  get size(): number {
    return this.entries?.size ?? 0;
  }
}
