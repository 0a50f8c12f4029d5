import { DomainError, ErrorCode } from '../common/domain-error';

/** Why the turn entry would not run a turn, whatever the channel. */
export type TurnRefusal =
  | 'session_not_found'
  | 'session_closed'
  | 'session_expired'
  | 'flow_gone'
  | 'no_published_flow'
  | 'chatbot_gone'
  | 'busy';

const NEUTRAL: Record<TurnRefusal, [ErrorCode, string]> = {
  session_not_found: [ErrorCode.NotFound, 'Session not found'],
  session_closed: [ErrorCode.Gone, 'The session has been closed'],
  session_expired: [ErrorCode.Gone, 'The session has expired'],
  flow_gone: [ErrorCode.Gone, 'The session has been closed: its flow no longer exists'],
  no_published_flow: [ErrorCode.BadRequest, 'No published flow found for this chatbot'],
  chatbot_gone: [ErrorCode.NotFound, 'Chatbot not found'],
  busy: [ErrorCode.Busy, 'The session is busy with earlier messages; retry shortly.'],
};

/**
 * A turn refused for a reason the channel may word its own way (the Chat API keeps the
 * texts of the Sarufi documents); its neutral wording serves any channel that does not.
 */
export class TurnRefused extends DomainError {
  /**
   * `ended`: for `session_closed` / `session_expired` of a key used once
   * (SessionAddress.once), the channel state the ended session kept, so the channel can
   * answer a late retry of what ended it without reading the session again.
   */
  constructor(
    readonly reason: TurnRefusal,
    readonly ended?: { channelState: unknown },
  ) {
    const [code, detail] = NEUTRAL[reason];
    super(code, detail, undefined, reason === 'busy' ? 1 : undefined);
  }
}
