import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from './crypto/secret-box';
import type { HttpIntegrationConfig } from './http/http-integration';
import { IntegrationsRepository } from './integrations.repository';
import { HttpIntegrationSecrets, joinHttpIntegration } from './http-integration-record';

/**
 * Reads a chatbot's HTTP integration by name and decrypts its secrets, at call time: an
 * edited integration applies to every flow that names it from the next call on.
 */
@Injectable()
export class IntegrationResolverService {
  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  async resolve(chatbotId: string, name: string): Promise<HttpIntegrationConfig | null> {
    const row = await this.integrations.findHttpByName(chatbotId, name);
    if (!row) return null;
    const secrets: HttpIntegrationSecrets = row.secrets
      ? (JSON.parse(this.box.decrypt(row.secrets)) as HttpIntegrationSecrets)
      : { auth: {}, headers: {} };
    return joinHttpIntegration(row.id, row.name, row.config, secrets);
  }
}
