import { isDeepStrictEqual } from 'node:util';
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
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { publicBaseUrl } from '../../config/public-base-url';
import { SecretBox } from '../crypto/secret-box';
import type { SealedIntegration, ViewContext } from '../types/integration-type';
import { HTTP_CALLER } from '../integrations.tokens';
import { type Executor } from '../../database/executor';
import { IntegrationsRepository } from '../integrations.repository';
import {
  integrationTypeFor,
  storedIntegrationType,
  unsupportedType,
} from '../types/integration-types';
import { FieldIssues, requireObjectBody } from './field-issues';
import { integrationView, type IntegrationView } from './integration-view';
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
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.viewContext = { publicBaseUrl: publicBaseUrl(config) };
  }

  private readonly viewContext: ViewContext;

  async list(
    workspaceId: string,
    chatbotId: string,
    page: PageRequest,
  ): Promise<Page<IntegrationView>> {
    const { rows, total } = await this.integrations.page(chatbotId, page.limit + 1, page.after);
    return toPage(rows, total, page, (row) => integrationView(row, this.viewContext));
  }

  async get(workspaceId: string, chatbotId: string, id: string): Promise<IntegrationView> {
    return integrationView(await this.findRow(this.db, chatbotId, id), this.viewContext);
  }

  async create(workspaceId: string, chatbotId: string, body: unknown): Promise<IntegrationView> {
    const input = requireObjectBody(body);
    const type = String(input.type);
    const sealed = integrationTypeFor(input.type).create(input, this.box);
    try {
      const row = await this.db.transaction(async (tx) => {
        await this.refuseTakenAddress(tx, chatbotId, type, sealed, null);
        return this.integrations.insert(newId(), chatbotId, type, sealed, tx);
      });
      return { ...integrationView(row, this.viewContext), ...sealed.revealed };
    } catch (err) {
      throw this.translate(err, sealed.name);
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
    const input = requireObjectBody(body);
    try {
      return await this.db.transaction(async (tx) => {
        await this.chatbots.lockForUpdate(tx, chatbotId);
        const row = await this.findRow(tx, chatbotId, id);
        const kind = storedIntegrationType(row.type);
        if (!kind) throw unsupportedType(row.type);
        const fixed = new FieldIssues();
        if (input.type !== undefined && input.type !== row.type) {
          fixed.add('type', 'The type of an integration cannot be changed.');
        }
        // The record's own fields may come back as shown (a GET body sent back), not changed;
        // updated_at aside: a GET body sent back after another change carries an older one.
        const shown = integrationView(row, this.viewContext) as Record<string, unknown>;
        for (const key of ['id', 'chatbot_id', 'created_at', ...(kind.shown ?? [])]) {
          if (input[key] !== undefined && !isDeepStrictEqual(input[key], shown[key]))
            fixed.add(key, `${key} is read-only and cannot be changed.`);
        }
        fixed.throwIfAny();
        const sealed = kind.patch(row, input, this.box);
        await this.refuseTakenAddress(tx, chatbotId, row.type, sealed, row.id);
        if (sealed.name !== row.name)
          await this.refuseIfPublishedFlowUses(tx, chatbotId, row.name, 'renamed');
        return {
          ...integrationView(
            await this.integrations.update(tx, chatbotId, id, sealed),
            this.viewContext,
          ),
          ...sealed.revealed,
        };
      });
    } catch (err) {
      throw this.translate(err, typeof input.name === 'string' ? input.name : '');
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

  /** 409 when another integration of the workspace already serves this channel address. */
  private async refuseTakenAddress(
    tx: Executor,
    chatbotId: string,
    type: string,
    sealed: SealedIntegration,
    exceptId: string | null,
  ): Promise<void> {
    if (!sealed.address) return;
    if (!(await this.integrations.addressTaken(tx, chatbotId, type, sealed.address, exceptId)))
      return;
    throw new DomainError(
      ErrorCode.Conflict,
      `Another ${type} integration of this workspace already uses this number (${sealed.address}).`,
      [{ path: 'phone_number_id', message: 'This phone number id is already connected.' }],
    );
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
