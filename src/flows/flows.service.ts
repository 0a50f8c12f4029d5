import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChatbotsService } from '../chatbots/chatbots.service';
import { type Executor } from '../database/executor';
import { IntegrationsRepository } from '../integrations/integrations.repository';
import { newId } from '../common/new-id';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { findPage, Page, PageRequest } from '../common/paging';
import {
  FlowIssue,
  MAX_FLOW_BYTES,
  MAX_FLOW_DEPTH,
  measureDepth,
  measureJsonBytes,
  validateFlow,
} from '../engine/validator';
import { FlowVersion } from './flow-version.entity';
import { Flow, FlowType } from './flow.entity';

export interface ValidationReport {
  valid: boolean;
  errors: FlowIssue[];
  warnings: FlowIssue[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function summary(f: Flow) {
  return {
    id: f.id,
    chatbot_id: f.chatbotId,
    name: f.name,
    type: f.type,
    status: f.status,
    published_at: iso(f.publishedAt),
    created_at: f.createdAt.toISOString(),
    updated_at: iso(f.updatedAt),
  };
}

const detail = (f: Flow) => ({ ...summary(f), flow: f.definition });

const versionView = (v: FlowVersion) => ({
  id: v.id,
  flow_id: v.flowId,
  version: v.version,
  name: v.name,
  type: v.type,
  published_at: v.publishedAt.toISOString(),
});

@Injectable()
export class FlowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ChatbotsService) private readonly chatbots: ChatbotsService,
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
  ) {}

  async list(
    workspaceId: string,
    chatbotId: string,
    page: PageRequest,
  ): Promise<Page<ReturnType<typeof summary>>> {
    return findPage(this.db.getRepository(Flow), { chatbotId }, page, summary);
  }

  async create(
    workspaceId: string,
    chatbotId: string,
    name: string,
    type: FlowType,
    definition?: object,
  ) {
    const def = definition ?? {};
    checkSize(def);
    const flow = await this.db.getRepository(Flow).save({
      id: newId(),
      chatbotId,
      name,
      type,
      status: 'draft',
      definition: def as Record<string, unknown>,
      publishedVersionId: null,
      publishedAt: null,
      updatedAt: null,
    });
    return detail(flow);
  }

  async get(workspaceId: string, chatbotId: string, flowId: string) {
    return detail(await this.require(workspaceId, chatbotId, flowId));
  }

  async update(
    workspaceId: string,
    chatbotId: string,
    flowId: string,
    patch: { name?: string; flow?: object },
  ) {
    await this.require(workspaceId, chatbotId, flowId);
    if (patch.flow !== undefined) checkSize(patch.flow);
    // Only the columns the patch names are written: saving the whole row read above would
    // write back the status and published version it had then, undoing a publish (of this
    // flow, or of another that made this one draft) that committed in between.
    await this.db.getRepository(Flow).update(
      { id: flowId, chatbotId },
      {
        updatedAt: new Date(),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.flow !== undefined && { definition: patch.flow }),
      },
    );
    return this.get(workspaceId, chatbotId, flowId);
  }

  async remove(workspaceId: string, chatbotId: string, flowId: string): Promise<void> {
    await this.require(workspaceId, chatbotId, flowId);
    await this.db.getRepository(Flow).delete({ id: flowId });
  }

  /** Checks the stored draft, or `definition` in its place (the playground, as one types). */
  async validate(
    workspaceId: string,
    chatbotId: string,
    flowId: string,
    definition?: object,
  ): Promise<ValidationReport> {
    const flow = await this.require(workspaceId, chatbotId, flowId);
    if (definition === undefined) return this.check(this.db, flow);
    checkSize(definition);
    return this.check(this.db, { ...flow, definition: definition as Record<string, unknown> });
  }

  /**
   * A snapshot of the draft as it is now, for a preview run (`preview-sessions`): refused
   * like a publish when the draft has errors. Snapshots older than a day are dropped (their
   * preview sessions end as `flow_gone`).
   */
  async previewSnapshot(workspaceId: string, chatbotId: string, flowId: string): Promise<string> {
    const flow = await this.require(workspaceId, chatbotId, flowId);
    if (flow.type !== 'conversation')
      throw new DomainError(ErrorCode.BadRequest, 'Only a conversation flow can be previewed.');
    const report = await this.check(this.db, flow);
    if (!report.valid)
      throw new DomainError(
        ErrorCode.ValidationFailed,
        'The flow has validation errors and cannot be previewed.',
        report.errors,
        undefined,
        { warnings: report.warnings },
      );
    return this.db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM flow_versions WHERE flow_id = $1 AND preview AND published_at < now() - interval '1 day'`,
        [flowId],
      );
      const version = await tx.getRepository(FlowVersion).save({
        id: newId(),
        flowId,
        chatbotId,
        version: 0,
        name: flow.name,
        type: flow.type,
        definition: flow.definition,
        publishedAt: new Date(),
        preview: true,
      });
      return version.id;
    });
  }

  /**
   * Stores an immutable version and makes it live. Refused (422, with the errors) when the
   * flow has validation errors. A conversation flow replaces the chatbot's previous one,
   * which goes back to draft; all in one transaction with the chatbot row locked.
   */
  async publish(workspaceId: string, chatbotId: string, flowId: string) {
    await this.require(workspaceId, chatbotId, flowId);
    return this.db.transaction(async (tx) => {
      await this.chatbots.lockForUpdate(tx, chatbotId);
      // Read again under the lock: the flow may have been deleted while this waited for it.
      const flow = await this.require(workspaceId, chatbotId, flowId, tx);
      const report = await this.check(tx, flow);
      if (!report.valid) {
        throw new DomainError(
          ErrorCode.ValidationFailed,
          'The flow has validation errors and cannot be published.',
          report.errors,
          undefined,
          { warnings: report.warnings },
        );
      }
      const [{ next }] = await tx.query<{ next: number }[]>(
        'SELECT coalesce(max(version), 0) + 1 AS next FROM flow_versions WHERE flow_id = $1 AND NOT preview',
        [flowId],
      );
      const now = new Date();
      const version = await tx.getRepository(FlowVersion).save({
        id: newId(),
        flowId,
        chatbotId,
        version: Number(next),
        name: flow.name,
        type: flow.type,
        definition: flow.definition,
        publishedAt: now,
      });
      if (flow.type === 'conversation') {
        await tx.query(
          `UPDATE flows SET status = 'draft' WHERE chatbot_id = $1 AND type = 'conversation'
              AND status = 'published' AND id <> $2`,
          [chatbotId, flowId],
        );
      }
      await tx.update(
        Flow,
        { id: flowId },
        { status: 'published', publishedAt: now, publishedVersionId: version.id },
      );
      return {
        id: flowId,
        status: 'published' as const,
        published_at: now.toISOString(),
        version: version.version,
      };
    });
  }

  async versions(workspaceId: string, chatbotId: string, flowId: string, page: PageRequest) {
    await this.require(workspaceId, chatbotId, flowId);
    return findPage(
      this.db.getRepository(FlowVersion),
      { flowId, preview: false },
      page,
      versionView,
    );
  }

  async version(workspaceId: string, chatbotId: string, flowId: string, versionId: string) {
    await this.require(workspaceId, chatbotId, flowId);
    const v = await this.db.getRepository(FlowVersion).findOneBy({
      id: versionId,
      flowId,
      preview: false,
    });
    if (!v) throw notFound('Flow version');
    return { ...versionView(v), flow: v.definition };
  }

  private async require(
    workspaceId: string,
    chatbotId: string,
    flowId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<Flow> {
    const flow = await manager.getRepository(Flow).findOneBy({ id: flowId, chatbotId });
    if (!flow) throw notFound('Flow');
    return flow;
  }

  private async check(executor: Executor, flow: Flow): Promise<ValidationReport> {
    if (flow.type === 'meta') {
      const ok =
        flow.definition !== null &&
        typeof flow.definition === 'object' &&
        !Array.isArray(flow.definition);
      const errors = ok ? [] : [{ path: '', message: 'A meta flow must be a JSON object.' }];
      return { valid: ok, errors, warnings: [] };
    }
    const { errors, warnings } = validateFlow(flow.definition, {
      integrationNames: await this.integrations.httpNames(flow.chatbotId, executor),
    });
    return { valid: errors.length === 0, errors, warnings };
  }
}

function checkSize(definition: object): void {
  if (measureJsonBytes(definition) > MAX_FLOW_BYTES) {
    throw new DomainError(ErrorCode.PayloadTooLarge, 'The flow definition is larger than 1 MiB.');
  }
  if (measureDepth(definition) > MAX_FLOW_DEPTH) {
    throw new DomainError(ErrorCode.ValidationFailed, 'The flow definition is nested too deeply.', [
      { path: 'flow', message: `Nesting deeper than ${MAX_FLOW_DEPTH} levels is not allowed.` },
    ]);
  }
}
