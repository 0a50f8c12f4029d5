import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretBox } from './crypto/secret-box';
import type { HttpIntegrationConfig } from './http/http-integration';
import {
  HttpIntegrationPublic,
  HttpIntegrationSecrets,
  joinHttpIntegration,
} from './http-integration-record';

/**
 * Reads a chatbot's HTTP integration by name and decrypts its secrets, at call time: an
 * edited integration applies to every flow that names it from the next call on.
 */
@Injectable()
export class IntegrationResolverService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  async resolve(chatbotId: string, name: string): Promise<HttpIntegrationConfig | null> {
    const rows = await this.db.query<
      { id: string; name: string; config: HttpIntegrationPublic; secrets: string | null }[]
    >(
      `SELECT id, name, config, secrets FROM integrations WHERE chatbot_id = $1 AND name = $2 AND type = 'http'`,
      [chatbotId, name],
    );
    const row = rows[0];
    if (!row) return null;
    const secrets: HttpIntegrationSecrets = row.secrets
      ? (JSON.parse(this.box.decrypt(row.secrets)) as HttpIntegrationSecrets)
      : { auth: {}, headers: {} };
    return joinHttpIntegration(row.id, row.name, row.config, secrets);
  }
}
