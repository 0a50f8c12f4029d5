import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChatbotsService } from '../../chatbots/chatbots.service';
import { FlowsRepository } from '../../flows/flows.repository';
import { newId } from '../../common/new-id';
import { DomainError, ErrorCode, notFound } from '../../common/domain-error';
import type { Page, PageRequest } from '../../common/paging';
import { toPage } from '../../common/paging';
import { sqlState } from '../../database/sql';
import { buildApiMeta, classifyApiResult } from '../../engine';
import type { ApiCallRequest, HttpCallerPort } from '../../engine/ports';
import { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { EffectiveRetryPolicy } from '../http/retry-policy';
import {
  joinHttpIntegration,
  splitAuth,
  type HttpIntegrationPublic,
  type HttpIntegrationSecrets,
} from '../http-integration-record';
import { HTTP_CALLER } from '../integrations.tokens';
import { type Executor } from '../../database/executor';
import { IntegrationsRepository } from '../integrations.repository';
import { FieldIssues } from './field-issues';
import {
  parseHttpIntegrationCreate,
  parseHttpIntegrationPatch,
  unsupportedType,
  type HttpIntegrationFields,
} from './http-integration-input';
import { integrationView, type IntegrationRow, type IntegrationView } from './integration-view';
import { keepMaskedAuth, keepMaskedHeaders } from './keep-masked-secrets';
import { integrationNamesInFlow } from './published-flow-refs';
import { parseTestCall } from './test-call-input';

/** The meta variable a flow would see after the call, plus the parsed response body. */
export interface TestCallResult {
  status: string;
  status_code: number;
  headers: Record<string, string>;
  timestamp: string;
  duration_ms: number;
  attempts: number;
  error?: string;
  body: unknown;
}

/** Who the test endpoint's calls claim to be (X-Sarufi-* headers). */
const TEST_CONTEXT = { user_id: 'test-user', session_id: 'test', channel: 'api' };

/**
 * Saved integrations of a chatbot. Secret values (auth values, header values) are sealed
 * with the SecretBox into the `secrets` column and never leave this service in clear: views
 * show `***`. A published flow's integrations can be neither deleted nor renamed.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(FlowsRepository) private readonly flows: FlowsRepository,
    @Inject(ChatbotsService) private readonly chatbots: ChatbotsService,
    @Inject(SecretBox) private readonly box: SecretBox,
    @Inject(HTTP_CALLER) private readonly caller: HttpCallerPort,
  ) {}

  async list(
    workspaceId: string,
    chatbotId: string,
    page: PageRequest,
  ): Promise<Page<IntegrationView>> {
    const { rows, total } = await this.integrations.page(chatbotId, page.limit + 1, page.after);
    return toPage(rows, total, page, integrationView);
  }

  async get(workspaceId: string, chatbotId: string, id: string): Promise<IntegrationView> {
    return integrationView(await this.findRow(this.db, chatbotId, id));
  }

  async create(workspaceId: string, chatbotId: string, body: unknown): Promise<IntegrationView> {
    const fields = parseHttpIntegrationCreate(body);
    const issues = new FieldIssues();
    fields.auth = keepMaskedAuth(fields.auth, null, issues);
    fields.headers = keepMaskedHeaders(fields.headers, null, issues);
    issues.throwIfAny();
    const sealed = this.seal(fields);
    try {
      const row = await this.integrations.insert(newId(), chatbotId, 'http', {
        name: fields.name,
        ...sealed,
      });
      return integrationView(row);
    } catch (err) {
      throw this.translate(err, fields.name);
    }
  }

  /**
   * Top-level fields replace the stored ones; a secret value sent as `***` keeps the stored
   * value of that field. Renaming an integration that the published flow uses is refused.
   */
  async update(
    workspaceId: string,
    chatbotId: string,
    id: string,
    body: unknown,
  ): Promise<IntegrationView> {
    const patch = parseHttpIntegrationPatch(body);
    try {
      return await this.db.transaction(async (tx) => {
        await this.chatbots.lockForUpdate(tx, chatbotId);
        const row = await this.findRow(tx, chatbotId, id);
        if (row.type !== 'http') throw unsupportedType(row.type);
        const fixed = new FieldIssues();
        if (patch.type !== undefined && patch.type !== row.type) {
          fixed.add('type', 'The type of an integration cannot be changed.');
        }
        for (const key of ['id', 'chatbot_id'] as const) {
          const given = patch.readOnly?.[key];
          if (given !== undefined && given !== row[key])
            fixed.add(key, `${key} is read-only and cannot be changed.`);
        }
        fixed.throwIfAny();
        const current = this.open(row);
        const issues = new FieldIssues();
        const next: HttpIntegrationFields = {
          name: patch.name ?? current.name,
          base_url: patch.base_url ?? current.base_url,
          auth: patch.auth ? keepMaskedAuth(patch.auth, current.auth, issues) : current.auth,
          headers: patch.headers
            ? keepMaskedHeaders(patch.headers, current.headers, issues)
            : current.headers,
          query: patch.query ?? current.query,
          timeout: patch.timeout ?? current.timeout,
          retry: patch.retry ?? current.retry,
          max_response_bytes: patch.max_response_bytes ?? current.max_response_bytes,
        };
        issues.throwIfAny();
        if (next.name !== row.name)
          await this.refuseIfPublishedFlowUses(tx, chatbotId, row.name, 'renamed');
        const sealed = this.seal(next);
        const updated = await this.integrations.update(tx, chatbotId, id, {
          name: next.name,
          ...sealed,
        });
        return integrationView(updated);
      });
    } catch (err) {
      throw this.translate(err, patch.name ?? '');
    }
  }

  /** Refused (409) while the chatbot's published conversation flow names the integration. */
  async remove(workspaceId: string, chatbotId: string, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.chatbots.lockForUpdate(tx, chatbotId);
      const row = await this.findRow(tx, chatbotId, id);
      await this.refuseIfPublishedFlowUses(tx, chatbotId, row.name, 'deleted');
      await this.integrations.delete(tx, chatbotId, id);
    });
  }

  /** Sends one request through the integration, exactly as a flow's API_CALL would. */
  async test(
    workspaceId: string,
    chatbotId: string,
    id: string,
    body: unknown,
  ): Promise<TestCallResult> {
    const row = await this.findRow(this.db, chatbotId, id);
    const input = parseTestCall(body);
    if (row.type !== 'http') {
      throw new DomainError(
        ErrorCode.BadRequest,
        `Only http integrations can be tested; this one is "${row.type}".`,
      );
    }
    const request: ApiCallRequest = {
      integration: row.name,
      path: input.path,
      method: input.method,
      query: input.query,
      headers: input.headers,
      body_type: input.body_type,
      auto_body: true,
      include_raw: false,
      context: { ...TEST_CONTEXT, chatbot_id: chatbotId },
      message: { type: 'text', text: '' },
      variables: input.variables,
    };
    if (input.body !== undefined) request.body = input.body;
    const result = await this.caller.call(request, {});
    const meta = buildApiMeta(result, classifyApiResult(result), new Date().toISOString(), false);
    return { ...(meta as unknown as Omit<TestCallResult, 'body'>), body: result.body ?? null };
  }

  private async findRow(executor: Executor, chatbotId: string, id: string) {
    const row = await this.integrations.find(chatbotId, id, executor);
    if (!row) throw notFound('Integration');
    return row;
  }

  private async refuseIfPublishedFlowUses(
    tx: Executor,
    chatbotId: string,
    name: string,
    verb: 'deleted' | 'renamed',
  ): Promise<void> {
    const flows = await this.flows.publishedConversationFlows(chatbotId, tx);
    const user = flows.find((flow) => integrationNamesInFlow(flow.definition).has(name));
    if (user) {
      throw new DomainError(
        ErrorCode.Conflict,
        `Integration "${name}" cannot be ${verb}: the published flow "${user.name}" uses it. ` +
          'Publish a version of the flow that does not use it first.',
      );
    }
  }

  /** Splits the fields into the public `config` and the sealed `secrets` envelope. */
  private seal(fields: HttpIntegrationFields): {
    config: HttpIntegrationPublic;
    secrets: string;
    keyId: string;
  } {
    const auth = splitAuth(fields.auth);
    const config: HttpIntegrationPublic = {
      base_url: fields.base_url,
      auth: auth.public,
      header_names: Object.keys(fields.headers),
      query: fields.query,
      timeout: fields.timeout,
      retry: fields.retry,
      max_response_bytes: fields.max_response_bytes,
    };
    const secrets: HttpIntegrationSecrets = { auth: auth.secret, headers: fields.headers };
    const envelope = this.box.encrypt(JSON.stringify(secrets));
    return { config, secrets: envelope, keyId: envelopeKeyId(envelope) };
  }

  /** The stored integration with its secrets decrypted (only to merge a PATCH). */
  private open(row: IntegrationRow): HttpIntegrationFields {
    let secrets: HttpIntegrationSecrets = { auth: {}, headers: {} };
    if (row.secrets) {
      try {
        secrets = JSON.parse(this.box.decrypt(row.secrets)) as HttpIntegrationSecrets;
      } catch (err) {
        throw new DomainError(
          ErrorCode.Internal,
          'The stored secrets of this integration cannot be decrypted with the configured keys.',
          undefined,
          undefined,
          undefined,
          err instanceof Error ? err.message : 'decrypt failed',
        );
      }
    }
    const joined = joinHttpIntegration(
      row.id,
      row.name,
      row.config as HttpIntegrationPublic,
      secrets,
    );
    return {
      name: joined.name,
      base_url: joined.base_url,
      auth: joined.auth,
      headers: joined.headers ?? {},
      query: joined.query ?? {},
      timeout: joined.timeout,
      retry: joined.retry as EffectiveRetryPolicy,
      max_response_bytes: joined.max_response_bytes,
    };
  }

  private translate(err: unknown, name: string): unknown {
    const code = sqlState(err);
    if (code === '23505') {
      return new DomainError(
        ErrorCode.Conflict,
        `An integration named "${name}" already exists for this chatbot.`,
      );
    }
    if (code === '23503') return notFound('Chatbot');
    return err;
  }
}
