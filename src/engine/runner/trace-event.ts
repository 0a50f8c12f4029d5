/**
 * What the engine did during a turn, for the conversation trace (http-api.md › trace).
 * Never carries auth values, header values or query strings.
 */
export type TransitionReason =
  | 'start'
  | 'goto'
  | 'global'
  | 'button'
  | 'keyword'
  | 'regex'
  | 'when'
  | 'default'
  | 'always'
  | 'action'
  | 'api_default'
  | 'max_retries';

export type ApiCallStatus = 'success' | 'error' | 'failure' | 'exception' | 'deferred';

export type TraceEvent =
  | { type: 'session_started'; start: string }
  | { type: 'state_entered'; state: string }
  | { type: 'message_sent'; state: string | null; message_type: string }
  | {
      type: 'action';
      state: string;
      action: string;
      index: number;
      outcome: string;
      detail?: Record<string, unknown>;
    }
  | {
      type: 'api_call';
      state: string;
      index: number;
      method: string;
      integration?: string;
      path?: string;
      /** Legacy `url` mode: scheme, host and path only. */
      url?: string;
      status: ApiCallStatus;
      status_code?: number;
      duration_ms?: number;
      attempts?: number;
      error?: string;
      route?: string;
      /** The HTTP caller's own redacted description (ApiCallResult.trace). */
      detail?: Record<string, unknown>;
    }
  | { type: 'input_invalid'; state: string; input_type: string; reason: string; retries: number }
  | { type: 'input_saved'; state: string; save_to: string }
  | { type: 'transition'; from: string | null; to: string; reason: TransitionReason; rule?: string }
  | { type: 'template_error'; state: string | null; template: string; error: string }
  | { type: 'loop_guard'; state: string | null; limit: number }
  /** A write that would have taken the variables past `limit` characters; `name` got null. */
  | { type: 'variables_limit'; state: string | null; name: string; limit: number }
  | {
      type: 'fallback';
      state: string | null;
      reason: 'no_match' | 'max_retries' | 'loop_guard' | 'unknown_state';
    }
  | { type: 'handoff'; state: string }
  | { type: 'closed'; state: string }
  | { type: 'ignored'; reason: 'handoff' };
