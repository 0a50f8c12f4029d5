import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { newId } from '../common/new-id';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { ApiKeyCache } from './api-key-cache';
import { API_KEY_SHAPE, generateApiKey, hashApiKey } from './api-key-hash';
import { ApiKey } from './api-key.entity';
import { Workspace } from './workspace.entity';

export interface CreatedKey {
  id: string;
  workspace_id: string;
  prefix: string;
  created_at: string;
  /** The plaintext key: returned once, never stored. */
  api_key: string;
}

@Injectable()
export class WorkspacesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ApiKeyCache) private readonly cache: ApiKeyCache,
  ) {}

  async createWorkspace(name: string): Promise<Workspace> {
    const existing = await this.db.getRepository(Workspace).findOneBy({ name });
    if (existing)
      throw new DomainError(ErrorCode.Conflict, `A workspace named "${name}" already exists.`);
    return this.db.getRepository(Workspace).save({ id: newId(), name });
  }

  /** Creates the workspace if new, then a key in it (used by the CLI). */
  async createKeyForWorkspaceName(
    name: string,
  ): Promise<{ workspace: Workspace; key: CreatedKey }> {
    return this.db.transaction(async (tx) => {
      const workspace = await this.workspaceNamed(tx, name);
      const key = (await this.insertKey(tx, workspace.id, generateApiKey()))!;
      return { workspace, key };
    });
  }

  async createKey(workspaceId: string): Promise<CreatedKey> {
    const ws = await this.db.getRepository(Workspace).findOneBy({ id: workspaceId });
    if (!ws) throw notFound('Workspace');
    return (await this.insertKey(this.db.manager, workspaceId, generateApiKey()))!;
  }

  async revokeKey(keyId: string): Promise<void> {
    const res = await this.db
      .getRepository(ApiKey)
      .update({ id: keyId, revokedAt: IsNull() }, { revokedAt: new Date() });
    if (!res.affected) {
      const exists = await this.db.getRepository(ApiKey).existsBy({ id: keyId });
      if (!exists) throw notFound('API key');
    }
    this.cache.forgetKeyId(keyId);
  }

  /**
   * BOOTSTRAP_API_KEY: an unknown key creates workspace "default" holding it. Instances
   * starting together with the same key all run this at once: one creates, the others find
   * (true only for the one that created the key).
   */
  async ensureBootstrapKey(key: string): Promise<boolean> {
    const hash = hashApiKey(key);
    return this.db.transaction(async (tx) => {
      if (await tx.getRepository(ApiKey).existsBy({ keyHash: hash })) return false;
      const workspace = await this.workspaceNamed(tx, 'default');
      return (await this.insertKey(tx, workspace.id, key)) !== null;
    });
  }

  /**
   * The workspace with this name, created if missing. `ON CONFLICT DO NOTHING` waits for a
   * concurrent creator and then finds its row, where a find-then-insert let both insert and
   * one fail on the unique name.
   */
  private async workspaceNamed(tx: EntityManager, name: string): Promise<Workspace> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(Workspace)
      .values({ id: newId(), name })
      .orIgnore()
      .execute();
    return tx.getRepository(Workspace).findOneByOrFail({ name });
  }

  /** Stores the key; null when that key is stored already (a concurrent bootstrap did it). */
  private async insertKey(
    tx: EntityManager,
    workspaceId: string,
    key: string,
  ): Promise<CreatedKey | null> {
    if (!API_KEY_SHAPE.test(key)) throw new DomainError(ErrorCode.BadRequest, 'Malformed API key.');
    const id = newId();
    const prefix = key.slice(0, 10);
    const inserted = await tx
      .createQueryBuilder()
      .insert()
      .into(ApiKey)
      .values({ id, workspaceId, name: null, prefix, keyHash: hashApiKey(key), revokedAt: null })
      .orIgnore()
      .returning(['created_at'])
      .execute();
    const row = (inserted.raw as Array<{ created_at: Date }>)[0];
    if (!row) return null;
    return {
      id,
      workspace_id: workspaceId,
      prefix,
      created_at: new Date(row.created_at).toISOString(),
      api_key: key,
    };
  }
}
