/**
 * Which turns of a chatbot write a trace (chatbots.trace_level, docs/retention.md › trace
 * level): `full` every turn, `errors` only a turn that went wrong (traceHasError), `off` none.
 * Playground preview sessions always keep every trace: the playground shows them.
 */
export const TRACE_LEVELS = ['full', 'errors', 'off'] as const;

export type TraceLevel = (typeof TRACE_LEVELS)[number];

export const DEFAULT_TRACE_LEVEL: TraceLevel = 'full';

/** Events that by themselves make a turn an error turn. */
const ERROR_EVENTS: ReadonlySet<string> = new Set([
  'engine_error',
  'template_error',
  'loop_guard',
  'fallback',
  'variables_limit',
]);

/** The statuses of an `api_call` event that did not get its answer (trace-event.ts). */
const FAILED_API_CALL: ReadonlySet<string> = new Set(['error', 'failure', 'exception']);

/**
 * Whether a turn's events (as the engine made them, before trace-codec.ts) tell of an error:
 * an `engine_error`, `template_error`, `loop_guard`, `fallback` or `variables_limit`, or an `api_call` whose
 * status is `error`, `failure` or `exception`. Such a turn keeps its trace at level `errors`.
 */
export function traceHasError(events: readonly unknown[]): boolean {
  return events.some((e) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return false;
    const { type, status } = e as { type?: unknown; status?: unknown };
    if (typeof type !== 'string') return false;
    if (ERROR_EVENTS.has(type)) return true;
    return type === 'api_call' && typeof status === 'string' && FAILED_API_CALL.has(status);
  });
}

/**
 * Whether a trace is written, as an SQL condition for the statement that writes it: the
 * conversation is a preview (`preview`, a boolean expression), or the chatbot's level
 * (`chatbotId`, read by primary key) is `full`, or `errors` when `error` (a boolean
 * expression) is true. False when the chatbot no longer exists.
 */
export const traceKeptSql = (p: { chatbotId: string; preview: string; error: string }) =>
  `(${p.preview} OR coalesce((SELECT b.trace_level = 'full' OR (b.trace_level = 'errors' AND ${p.error})
                                 FROM chatbots b WHERE b.id = ${p.chatbotId}), false))`;
