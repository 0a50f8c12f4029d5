import type { OutboxEntry } from './outbox-entry';

/**
 * The INSERT that enqueues outbox entries inside another module's statement (a turn's
 * commit), so a delivery is durable exactly when the turn is. Parameters are SQL
 * placeholders (`$15`) or expressions (`conv.id`); `entries` is a jsonb parameter built by
 * `outboxEntriesJson`.
 */
export function enqueueOutboxSql(p: {
  entries: string;
  chatbotId: string;
  conversationId: string;
  now: string;
  from?: string;
}): string {
  return `INSERT INTO outbox (id, kind, ordering_key, chatbot_id, conversation_id, payload, created_at, next_attempt_at)
         SELECT o.id, o.kind, o.ordering_key, ${p.chatbotId}, ${p.conversationId}, o.payload, ${p.now}, ${p.now}
           FROM ${p.from ? `${p.from}, ` : ''}jsonb_to_recordset(${p.entries}::jsonb)
                AS o(id text, kind text, ordering_key text, payload jsonb)`;
}

/** The jsonb parameter `enqueueOutboxSql` reads. */
export function outboxEntriesJson(entries: OutboxEntry[]): string {
  return JSON.stringify(
    entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      ordering_key: e.orderingKey,
      payload: e.payload,
    })),
  );
}
