/**
 * Whether the chatbot `chatbotId` (an SQL expression) has an events receiver: outbox
 * entries that are events (`o.event`) are stored only then, in the same statement as the
 * change they tell of.
 */
export const eventsOnSql = (chatbotId: string) =>
  `(NOT o.event OR EXISTS (SELECT 1 FROM chatbots b WHERE b.id = ${chatbotId} AND b.events_url IS NOT NULL))`;

/** A timestamptz expression as JavaScript's toISOString writes it (what every event carries). */
export const isoSql = (expr: string) =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
