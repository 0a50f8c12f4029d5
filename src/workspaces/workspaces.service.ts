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
      let workspace = await tx.getRepository(Workspace).findOneBy({ name });
      workspace ??= await tx.getRepository(Workspace).save({ id: newId(), name });
      const key = await this.insertKey(tx, workspace.id, generateApiKey());
      return { workspace, key };
    });
  }

  async createKey(workspaceId: string): Promise<CreatedKey> {
    const ws = await this.db.getRepository(Workspace).findOneBy({ id: workspaceId });
    if (!ws) throw notFound('Workspace');
    return this.insertKey(this.db.manager, workspaceId, generateApiKey());
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

  /** BOOTSTRAP_API_KEY: an unknown key creates workspace "default" holding it. */
  async ensureBootstrapKey(key: string): Promise<boolean> {
    const hash = hashApiKey(key);
    return this.db.transaction(async (tx) => {
      if (await tx.getRepository(ApiKey).existsBy({ keyHash: hash })) return false;
      let workspace = await tx.getRepository(Workspace).findOneBy({ name: 'default' });
      workspace ??= await tx.getRepository(Workspace).save({ id: newId(), name: 'default' });
      await this.insertKey(tx, workspace.id, key);
      return true;
    });
  }

  private async insertKey(
    tx: EntityManager,
    workspaceId: string,
    key: string,
  ): Promise<CreatedKey> {
    if (!API_KEY_SHAPE.test(key)) throw new DomainError(ErrorCode.BadRequest, 'Malformed API key.');
    const row = await tx.getRepository(ApiKey).save({
      id: newId(),
      workspaceId,
      name: null,
      prefix: key.slice(0, 10),
      keyHash: hashApiKey(key),
      revokedAt: null,
    });
    return {
      id: row.id,
      workspace_id: workspaceId,
      prefix: row.prefix,
      created_at: row.createdAt.toISOString(),
      api_key: key,
    };
  }
}
