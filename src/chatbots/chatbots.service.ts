import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { DataSource, EntityManager } from 'typeorm';
import { type Executor, executorRows } from '../database/executor';
import { sqlState } from '../database/sql';
import { newId } from '../common/new-id';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { findPage, Page, PageRequest } from '../common/paging';
import { SecretBox } from '../integrations/crypto/secret-box';
import { SECRET_MASK } from '../integrations/api/http-integration-input';
import { envelopeKeyId } from '../integrations/envelope-key-id';
import { Chatbot } from './chatbot.entity';
import { DEFAULT_TRACE_LEVEL, type TraceLevel } from '../conversation/trace-level';

/** A chatbot's own retention periods (docs/retention.md). */
export interface ChatbotRetention {
  traces_days: number | null;
  messages_days: number | null;
}

export interface ChatbotView {
  id: string;
  name: string;
  description: string | null;
  events_url: string | null;
  /** `***` when set; the value itself only in the answer that made it. */
  events_secret: string | null;
  /** Its own retention periods in days (null: the server's default; 0: for ever). */
  retention: ChatbotRetention;
  /** Which of its turns write a trace: full, errors or off (previews always do). */
  trace_level: TraceLevel;
  created_at: string;
  updated_at: string;
}

const view = (c: Chatbot, newSecret?: string): ChatbotView => ({
  id: c.id,
  name: c.name,
  description: c.description,
  events_url: c.eventsUrl,
  events_secret: newSecret ?? (c.eventsSecret ? SECRET_MASK : null),
  retention: { traces_days: c.traceRetentionDays, messages_days: c.messageRetentionDays },
  trace_level: c.traceLevel,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

/** What PATCH /chatbots/{id} changes; absent fields stay as they are. */
export interface ChatbotPatch {
  name?: string;
  description?: string | null;
  eventsUrl?: string | null;
  rotateEventsSecret?: boolean;
  /** Fields absent stay as they are; null: back to the server's default. */
  retention?: Partial<ChatbotRetention>;
  /** Absent: unchanged; null: back to the default (full). */
  traceLevel?: TraceLevel | null;
}

/** Where a chatbot's events go, and the secret that signs them (opened). */
export interface EventsTarget {
  url: string;
  secret: string;
}

/** `whsec_` + 256 random bits: what signs a chatbot's events. */
const newEventsSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** How long a chatbot's ownership is remembered (see `owners`). */
const OWNER_TTL_MS = 5_000;
/** Chatbots whose ownership is remembered at once (least recently used out first). */
const OWNERS_MAX = 100_000;

function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === '23505';
}

@Injectable()
export class ChatbotsService {
  /**
   * chatbot id → workspace id. A chatbot never changes workspace; entries live OWNER_TTL_MS
   * so a chatbot deleted through another instance stops passing here within that time (a
   * delete through this instance evicts at once). Concurrent misses for one chatbot share
   * one lookup, so an entry running out under load costs one query, not one per request.
   */
  private readonly owners = new LRUCache<string, string>({
    max: OWNERS_MAX,
    ttl: OWNER_TTL_MS,
    fetchMethod: async (id) =>
      (
        await this.db
          .getRepository(Chatbot)
          .findOne({ where: { id }, select: { workspaceId: true } })
      )?.workspaceId,
  });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  /** Ownership check for hot paths (ChatbotScopeGuard): answered from memory for OWNER_TTL_MS. */
  async requireOwned(workspaceId: string, id: string): Promise<void> {
    if ((await this.owners.fetch(id)) !== workspaceId) throw notFound('Chatbot');
  }

  /** The chatbot if it belongs to the workspace; otherwise "not found", exactly like a missing one. */
  async require(
    workspaceId: string,
    id: string,
    manager: EntityManager = this.db.manager,
  ): Promise<Chatbot> {
    const bot = await manager.getRepository(Chatbot).findOneBy({ id, workspaceId });
    if (!bot) throw notFound('Chatbot');
    return bot;
  }

  /** A chatbot's name, for public pages that show it (the widget's default title). */
  async name(id: string): Promise<string> {
    const bot = await this.db.getRepository(Chatbot).findOneBy({ id });
    if (!bot) throw notFound('Chatbot');
    return bot.name;
  }

  /** Where the chatbot's events go; null when it has no receiver (or no longer exists). */
  async eventsTarget(id: string): Promise<EventsTarget | null> {
    const bot = await this.db.getRepository(Chatbot).findOneBy({ id });
    if (!bot?.eventsUrl || !bot.eventsSecret) return null;
    return { url: bot.eventsUrl, secret: this.box.decrypt(bot.eventsSecret) };
  }

  async list(workspaceId: string, page: PageRequest): Promise<Page<ChatbotView>> {
    return findPage(this.db.getRepository(Chatbot), { workspaceId }, page, (c) => view(c));
  }

  async create(
    workspaceId: string,
    name: string,
    description: string | null,
  ): Promise<ChatbotView> {
    try {
      const bot = await this.db
        .getRepository(Chatbot)
        .save({ id: newId(), workspaceId, name, description });
      return view(bot);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.duplicate(name);
      throw err;
    }
  }

  async get(workspaceId: string, id: string): Promise<ChatbotView> {
    return view(await this.require(workspaceId, id));
  }

  /**
   * Name, description, retention periods, trace level and the events receiver. Setting `events_url` the first time, or
   * `rotate_events_secret`, makes a new secret, shown in this answer only; `events_url: null`
   * turns events off and forgets the secret.
   */
  async update(workspaceId: string, id: string, patch: ChatbotPatch): Promise<ChatbotView> {
    try {
      // The row is locked from the read to the write, so PATCHes of one chatbot run one after
      // the other, each on the row the one before left: saving a row read beside another
      // PATCH wrote its stale fields back over that one's changes, and two first events_urls
      // each showed a secret of their own while only one was kept.
      return await this.db.transaction(async (tx) => {
        await this.lockForUpdate(tx, id);
        const bot = await this.require(workspaceId, id, tx);
        if (patch.name !== undefined) bot.name = patch.name;
        if (patch.retention?.traces_days !== undefined)
          bot.traceRetentionDays = patch.retention.traces_days;
        if (patch.retention?.messages_days !== undefined)
          bot.messageRetentionDays = patch.retention.messages_days;
        if (patch.traceLevel !== undefined)
          bot.traceLevel = patch.traceLevel ?? DEFAULT_TRACE_LEVEL;
        if (patch.description !== undefined) bot.description = patch.description;
        if (patch.eventsUrl !== undefined) bot.eventsUrl = patch.eventsUrl;
        if (patch.rotateEventsSecret && !bot.eventsUrl)
          throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
            {
              path: 'rotate_events_secret',
              message: 'set events_url first: there is no secret yet',
            },
          ]);
        let newSecret: string | undefined;
        if (!bot.eventsUrl) {
          bot.eventsSecret = null;
          bot.eventsKeyId = null;
        } else if (!bot.eventsSecret || patch.rotateEventsSecret) {
          newSecret = newEventsSecret();
          bot.eventsSecret = this.box.encrypt(newSecret);
          bot.eventsKeyId = envelopeKeyId(bot.eventsSecret);
        }
        return view(await tx.getRepository(Chatbot).save(bot), newSecret);
      });
    } catch (err) {
      // Only a new name can collide (names are unique per workspace).
      if (isUniqueViolation(err) && patch.name !== undefined) throw this.duplicate(patch.name);
      throw err;
    }
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const res = await this.db.getRepository(Chatbot).delete({ id, workspaceId });
    this.owners.delete(id);
    if (!res.affected) throw notFound('Chatbot');
  }

  /**
   * Locks the chatbot's row for the rest of the transaction: flow publishing and integration
   * renames/deletes take it, so each sees the other's outcome. `NO KEY UPDATE`: the
   * foreign-key checks of the rows written for the chatbot's messages (a key share) do not wait
   * for it, so the statements that store and commit messages, one of a kind at a time per
   * instance, are not held back by an editor's transaction.
   */
  async lockForUpdate(executor: Executor, chatbotId: string): Promise<void> {
    await executorRows(executor, 'SELECT id FROM chatbots WHERE id = $1 FOR NO KEY UPDATE', [
      chatbotId,
    ]);
  }

  private duplicate(name: string): DomainError {
    return new DomainError(
      ErrorCode.Conflict,
      `A chatbot named "${name}" already exists in this workspace.`,
    );
  }
}
