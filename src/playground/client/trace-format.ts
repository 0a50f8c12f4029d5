import type { TraceEvent, TransitionReason } from '../../engine/runner/trace-event';

/** One trace entry as `GET .../conversations/{id}/trace` lists it: the engine's steps of one turn. */
export interface TraceTurn {
  id: string;
  created_at: string | null;
  duration_ms: number;
  events: unknown[];
}

export type TraceTone = 'ok' | 'info' | 'warn' | 'error';

export interface TraceLine {
  /** The event type (`transition`, `api_call`, …), for styling and tests. */
  kind: string;
  text: string;
  tone: TraceTone;
}

export interface FormattedTurn {
  id: string;
  durationMs: number;
  lines: TraceLine[];
  /** States entered during the turn, in order. */
  states: string[];
}

/** Why the engine moved, in the author's words. */
const REASONS: Readonly<Record<TransitionReason, string>> = {
  start: 'session start',
  goto: 'moved there from outside (a release or an outbound message)',
  global: 'global transition',
  button: 'button / option chosen',
  keyword: 'keyword matched',
  regex: 'pattern matched',
  when: 'condition true',
  default: 'default transition',
  always: 'always',
  action: 'routed by an action',
  api_default: 'API call had no route: default transition',
  max_retries: 'too many invalid replies',
};

const FALLBACKS: Readonly<Record<string, string>> = {
  no_match: 'no transition matched the reply',
  max_retries: 'too many invalid replies',
  loop_guard: 'the turn entered too many states',
  unknown_state: 'the session was in an unknown state',
};

/**
 * A trace turn as readable lines: states entered, transitions and why, API calls with their
 * outcome, status and duration, input checks and fallbacks. Unknown event types are shown
 * as they come, so a newer server's trace still reads.
 */
export function formatTraceTurn(turn: TraceTurn): FormattedTurn {
  const events = Array.isArray(turn.events) ? turn.events : [];
  const lines = events.map(describeTraceEvent);
  const states = events
    .filter((e): e is Extract<TraceEvent, { type: 'state_entered' }> => isEvent(e, 'state_entered'))
    .map((e) => e.state);
  return { id: turn.id, durationMs: turn.duration_ms, lines, states };
}

function isEvent(e: unknown, type: string): boolean {
  return e !== null && typeof e === 'object' && (e as { type?: unknown }).type === type;
}

/** One engine event as a line. */
export function describeTraceEvent(raw: unknown): TraceLine {
  const e = raw as TraceEvent;
  switch (e?.type) {
    case 'session_started':
      return line(e.type, `session started at "${e.start}"`, 'info');
    case 'state_entered':
      return line(e.type, `entered "${e.state}"`, 'ok');
    case 'message_sent':
      return line(e.type, `sent a ${e.message_type} message`, 'info');
    case 'transition': {
      const from = e.from === null ? '(new session)' : `"${e.from}"`;
      const why = REASONS[e.reason] ?? e.reason;
      return line(e.type, `${from} → "${e.to}": ${why}${e.rule ? ` (${e.rule})` : ''}`, 'info');
    }
    case 'action':
      return line(e.type, `${e.action} #${e.index + 1} in "${e.state}": ${e.outcome}`, 'info');
    case 'api_call':
      return line(e.type, apiCallText(e), apiTone(e.status));
    case 'input_invalid':
      return line(
        e.type,
        `reply refused by the ${e.input_type} input of "${e.state}" (${e.reason}); attempt ${e.retries}`,
        'warn',
      );
    case 'input_saved':
      return line(e.type, `reply saved to "${e.save_to}"`, 'ok');
    case 'template_error':
      return line(
        e.type,
        `template error${e.state ? ` in "${e.state}"` : ''}: ${e.error}`,
        'error',
      );
    case 'loop_guard':
      return line(e.type, `stopped after ${e.limit} states in one turn (loop guard)`, 'error');
    case 'variables_limit':
      return line(
        e.type,
        `"${e.name}" set to null: the variables would have passed ${e.limit} characters`,
        'error',
      );
    case 'fallback':
      return line(e.type, `fallback message: ${FALLBACKS[e.reason] ?? e.reason}`, 'warn');
    case 'handoff':
      return line(e.type, `handed off to a person in "${e.state}"`, 'info');
    case 'closed':
      return line(e.type, `session closed at "${e.state}"`, 'info');
    case 'ignored':
      return line(e.type, `message ignored: the conversation is with a person`, 'warn');
  }
  return turnEvent(raw) ?? unknownEvent(raw);
}

/**
 * The conversation layer's first entry of every turn (src/conversation/turn-record.ts ›
 * turnTrace): how the turn began, before the engine's own events.
 */
function turnEvent(raw: unknown): TraceLine | null {
  const e = raw as { type?: unknown; message_type?: unknown } | null;
  if (e?.type === 'session_start') return line('session_start', 'new session', 'info');
  if (e?.type === 'message_received') {
    const kind = typeof e.message_type === 'string' ? `${e.message_type} ` : '';
    return line('message_received', `the user sent a ${kind}message`, 'info');
  }
  return null;
}

/** A type this page does not know yet (the switch covers every TraceEvent of today). */
function unknownEvent(raw: unknown): TraceLine {
  const type =
    raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  return line(typeof type === 'string' ? type : 'unknown', compact(raw), 'info');
}

type ApiCallEvent = Extract<TraceEvent, { type: 'api_call' }>;

function apiCallText(e: ApiCallEvent): string {
  const target =
    e.integration !== undefined ? `${e.integration}${e.path ?? ''}` : (e.url ?? e.path ?? '');
  const parts = [`API_CALL ${e.method} ${target}`.trim(), '→', e.status];
  if (e.status_code !== undefined) parts.push(String(e.status_code));
  if (e.duration_ms !== undefined) parts.push(`in ${Math.round(e.duration_ms)} ms`);
  if (e.attempts !== undefined && e.attempts > 1) parts.push(`(${e.attempts} attempts)`);
  let text = parts.join(' ');
  if (e.error) text += `: ${e.error}`;
  if (e.route) text += `; route → "${e.route}"`;
  return text;
}

function apiTone(status: ApiCallEvent['status']): TraceTone {
  if (status === 'success') return 'ok';
  if (status === 'deferred') return 'info';
  return 'error';
}

const line = (kind: string, text: string, tone: TraceTone): TraceLine => ({ kind, text, tone });

function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
