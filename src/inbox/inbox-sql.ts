/**
 * The UPDATE that marks inbox events processed inside the statement that commits their turns,
 * so an event's turn and its "done" mark are written together: after a crash an event is
 * either fully processed or still pending, never both. `from` names a CTE with a row per
 * committed turn; `id` (the event's id, null for none) and `now` are expressions over it.
 */
export function markInboxEventsDoneSql(p: { from: string; id: string; now: string }): string {
  return `UPDATE inbox_events i SET status = 'done', processed_at = ${p.now}, locked_by = NULL, locked_until = NULL
            FROM ${p.from}
           WHERE i.id = ${p.id}`;
}
