/**
 * The parts of a turn's commit (COMMIT_TURN_SQL) for the Idempotency-Key of the outbound
 * request the turn carries out (InboundTurn.idempotencyKey): the turn commits only while its
 * request still holds the key, and the key's answer is written in the same statement. So a
 * key whose turn committed is answered, whatever happens to the process next, and a retry
 * that takes over a key whose holder died runs a turn that never committed
 * (OutboundRequestsRepository.claim).
 *
 * Each reads the key's chatbot, key and owner as expressions over the rows of `from` (null
 * key: a turn with none).
 */
interface KeyColumns {
  from: string;
  chatbotId: string;
  key: string;
  owner: string;
}

/**
 * The rows of `from` (by `n`) whose key `owner` still holds, unanswered; the key's row locked
 * until the commit ends, so that no retry takes it over in between.
 */
export function heldOutboundRequestsSql(p: KeyColumns & { n: string }): string {
  return `SELECT ${p.n} AS n
           FROM ${p.from} JOIN outbound_requests r
                  ON r.chatbot_id = ${p.chatbotId} AND r.idempotency_key = ${p.key}
          WHERE r.owner = ${p.owner} AND r.response IS NULL
            FOR UPDATE OF r`;
}

/** Answers the keys of the committed turns of `from` with `answer`; their claims end. */
export function answerOutboundRequestsSql(p: KeyColumns & { answer: string }): string {
  return `UPDATE outbound_requests r SET response = ${p.answer}, locked_until = NULL
            FROM ${p.from}
           WHERE r.chatbot_id = ${p.chatbotId} AND r.idempotency_key = ${p.key}
             AND r.owner = ${p.owner}`;
}
