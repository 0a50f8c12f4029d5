/**
 * Whether a user is on a chatbot's opt-out list for a channel, as a condition inside another
 * module's statement (a turn's commit: its sends are not enqueued for an opted-out user; an
 * SMS send's claim).
 * Parameters are SQL expressions (`conv.chatbot_id`).
 */
export function optedOutSql(p: { chatbotId: string; channel: string; userId: string }): string {
  return `EXISTS (SELECT 1 FROM opt_outs oo
                   WHERE oo.chatbot_id = ${p.chatbotId} AND oo.channel = ${p.channel} AND oo.user_id = ${p.userId})`;
}

/** What an outbound message that was not sent to an opted-out user records. */
export const OPTED_OUT_ERROR = {
  code: 'opted_out',
  title: 'The number opted out (STOP); nothing is sent to it until it sends START.',
};
