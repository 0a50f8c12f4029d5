/**
 * The UPDATE that marks an inbox event processed inside the statement that commits its turn,
 * so an event's turn and its "done" mark are written together: after a crash an event is
 * either fully processed or still pending, never both. `id` is a SQL placeholder; `from`
 * names a CTE that returns a row only when the turn committed.
 */
export function markInboxEventDoneSql(p: { id: string; now: string; from: string }): string {
  return `UPDATE inbox_events SET status = 'done', processed_at = ${p.now}, locked_by = NULL, locked_until = NULL
          WHERE id = ${p.id} AND EXISTS (SELECT 1 FROM ${p.from})`;
}
