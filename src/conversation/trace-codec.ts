/**
 * How a turn's trace events are stored (conversation_traces.events, a `json` column): the
 * events every turn writes become short arrays, `[code, ...values]`, with the values in the
 * fixed key order below and any other keys in a last object; every other event stays the
 * object it was. A transition followed by its entering the state it names is one array,
 * code `T`. A turn's trace shrinks to about a third. Rows written before this form are
 * objects, which decode as they are, so old and new rows read alike.
 *
 * The codes are part of the stored format: never change or reuse one, only add.
 */
const CODES: Record<string, { type: string; keys: readonly string[] }> = {
  r: { type: 'message_received', keys: ['message_type'] },
  s: { type: 'session_start', keys: ['message_type'] },
  e: { type: 'state_entered', keys: ['state'] },
  m: { type: 'message_sent', keys: ['state', 'message_type'] },
  t: { type: 'transition', keys: ['from', 'to', 'reason'] },
  i: { type: 'input_saved', keys: ['state', 'save_to'] },
  v: { type: 'input_invalid', keys: ['state', 'input_type', 'reason', 'retries'] },
  a: { type: 'action', keys: ['state', 'index', 'action', 'outcome'] },
};

const BY_TYPE = new Map(Object.entries(CODES).map(([code, c]) => [c.type, { code, ...c }]));

type Event = Record<string, unknown>;

function isEvent(value: unknown): value is Event {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One event in its stored form. */
function encodeEvent(event: unknown): unknown {
  if (!isEvent(event) || typeof event.type !== 'string') return event;
  const c = BY_TYPE.get(event.type);
  if (!c || c.keys.some((k) => event[k] === undefined)) return event;
  const out: unknown[] = [c.code, ...c.keys.map((k) => event[k])];
  let extra: Event | undefined;
  for (const [k, v] of Object.entries(event)) {
    if (k === 'type' || v === undefined || c.keys.includes(k)) continue;
    (extra ??= {})[k] = v;
  }
  if (extra) out.push(extra);
  return out;
}

/** One stored event as the trace API shows it. */
function decodeEvent(stored: unknown): unknown {
  if (!Array.isArray(stored)) return stored;
  const values = stored as unknown[];
  const c = typeof values[0] === 'string' ? CODES[values[0]] : undefined;
  if (!c) return stored;
  const event: Event = { type: c.type };
  c.keys.forEach((k, i) => {
    event[k] = values[i + 1];
  });
  const extra = values[c.keys.length + 1];
  return isEvent(extra) ? { ...event, ...extra } : event;
}

/** Whether `next` is exactly the entering of the state `transition` moved to. */
function entersTarget(transition: unknown, next: unknown): boolean {
  return (
    Array.isArray(transition) &&
    transition[0] === 't' &&
    isEvent(next) &&
    next.type === 'state_entered' &&
    next.state === transition[2] &&
    Object.keys(next).length === 2
  );
}

/** A turn's events as the JSON text stored. */
export function encodeTrace(events: readonly unknown[]): string {
  const out: unknown[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = encodeEvent(events[i]);
    if (entersTarget(e, events[i + 1])) {
      (e as unknown[])[0] = 'T';
      i++;
    }
    out.push(e);
  }
  return JSON.stringify(out);
}

/** The stored events (either form) as the trace API shows them. */
export function decodeTrace(stored: unknown): unknown[] {
  if (!Array.isArray(stored)) return [];
  return (stored as unknown[]).flatMap((e) => {
    if (!Array.isArray(e) || e[0] !== 'T') return [decodeEvent(e)];
    const transition = decodeEvent(['t', ...(e as unknown[]).slice(1)]) as Event;
    return [transition, { type: 'state_entered', state: transition.to }];
  });
}
