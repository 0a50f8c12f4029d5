/**
 * Load generator for Chat API turns: closed-loop (every session sends its next message as
 * soon as the previous reply arrives) and open-loop at a fixed rate (latency counted from
 * the moment a turn was due, so a slow server cannot hide its queueing).
 */
import { performance } from 'node:perf_hooks';
import type { LoopbackClient } from './bench-kit';

export interface SessionCursor {
  id: string;
  /** The state the last reply left the session in. */
  state: string | null;
  step: number;
}

export interface ChatTarget {
  name: string;
  client: LoopbackClient;
  chatbotId: string;
  sessions: SessionCursor[];
}

interface TurnReply {
  current_state?: string | null;
  messages?: unknown[];
}

/** What the user says next: a number when asked for one, else "yes" (or "no" every fifth time). */
export function nextMessage(s: SessionCursor): string {
  s.step++;
  if (s.state === 'menu') return String(((s.step * 37) % 100) + 1);
  return s.step % 5 === 0 ? 'no' : 'yes';
}

export async function createSessions(
  target: ChatTarget,
  count: number,
  parallel = 8,
): Promise<void> {
  const path = `/api/dev/v1/chatbots/${target.chatbotId}/chat/sessions`;
  let made = 0;
  const worker = async (): Promise<void> => {
    while (made < count) {
      made++;
      const body = await target.client.expect<{ session_id: string; current_state: string | null }>(
        201,
        'POST',
        path,
        {},
      );
      target.sessions.push({ id: body.session_id, state: body.current_state, step: 0 });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** One turn; true when the server answered 200 with a state. */
export async function sendTurn(target: ChatTarget, s: SessionCursor): Promise<boolean> {
  const reply = await target.client.request(
    'POST',
    `/api/dev/v1/chatbots/${target.chatbotId}/chat/sessions/${s.id}/messages`,
    { message: nextMessage(s) },
  );
  if (reply.status !== 200) {
    if (process.env.BENCH_VERBOSE)
      console.error(`${target.name}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
    return false;
  }
  const body = reply.body as TurnReply;
  s.state = body.current_state ?? null;
  return true;
}

export interface LoadResult {
  name: string;
  turns: number;
  errors: number;
  seconds: number;
  turnsPerSecond: number;
  latenciesMs: number[];
  /** Every turn answered, warm-up included. */
  sent: number;
}

/** Every session keeps exactly one turn in flight; only turns completed in the window count. */
export async function closedLoop(
  target: ChatTarget,
  opts: { warmupMs: number; measureMs: number; concurrency: number },
): Promise<LoadResult> {
  const start = performance.now();
  const measureStart = start + opts.warmupMs;
  const measureEnd = measureStart + opts.measureMs;
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const sessions = target.sessions.slice(0, opts.concurrency);
  const maxTurnsPerSession = 10_000_000;
  await Promise.all(
    sessions.map(async (s) => {
      for (let i = 0; i < maxTurnsPerSession; i++) {
        const t0 = performance.now();
        if (t0 >= measureEnd) return;
        const ok = await sendTurn(target, s).catch(() => false);
        const t1 = performance.now();
        sent++;
        if (t1 >= measureStart && t1 < measureEnd) {
          if (ok) latencies.push(t1 - t0);
          else errors++;
        } else if (!ok && t1 < measureStart) {
          errors++;
        }
      }
    }),
  );
  const seconds = opts.measureMs / 1000;
  return {
    name: target.name,
    turns: latencies.length,
    errors,
    seconds,
    turnsPerSecond: latencies.length / seconds,
    latenciesMs: latencies,
    sent,
  };
}

/**
 * Open loop: turn i is due at start + i/rate. A due turn goes to an idle session (round
 * robin); when none is idle it waits for one. Latency = reply time − due time.
 */
export function openLoop(
  target: ChatTarget,
  opts: { rate: number; warmupMs: number; measureMs: number },
): Promise<LoadResult & { lateStarts: number }> {
  return openLoopUsers(
    target.name,
    target.sessions.length,
    (user) => sendTurn(target, target.sessions[user]),
    opts,
  );
}

/**
 * The open loop over `users` users, each one turn at a time: `send(user)` sends its next.
 * `onDone`, when given, hears of every turn (warm-up included) with its due and reply times
 * (performance.now()), for figures per time window.
 */
export function openLoopUsers(
  name: string,
  users: number,
  send: (user: number) => Promise<boolean>,
  opts: {
    rate: number;
    warmupMs: number;
    measureMs: number;
    onDone?: (dueMs: number, doneMs: number, ok: boolean) => void;
  },
): Promise<LoadResult & { lateStarts: number }> {
  const total = Math.round((opts.rate * (opts.warmupMs + opts.measureMs)) / 1000);
  const interval = 1000 / opts.rate;
  const t0 = performance.now() + 5;
  const measureFrom = t0 + opts.warmupMs;
  const idle = Array.from({ length: users }, (_, user) => user);
  const backlog: number[] = [];
  const latencies: number[] = [];
  let errors = 0;
  let lateStarts = 0;
  let scheduled = 0;
  let sent = 0;
  let inFlight = 0;
  return new Promise((resolve) => {
    const finishIfDone = (): void => {
      if (scheduled < total || inFlight > 0 || backlog.length > 0) return;
      const seconds = opts.measureMs / 1000;
      resolve({
        name,
        turns: latencies.length,
        errors,
        seconds,
        turnsPerSecond: latencies.length / seconds,
        latenciesMs: latencies,
        lateStarts,
        sent,
      });
    };
    const launch = (user: number, due: number): void => {
      inFlight++;
      send(user)
        .catch(() => false)
        .then((ok) => {
          const done = performance.now();
          sent++;
          opts.onDone?.(due, done, ok);
          if (due >= measureFrom) {
            if (ok) latencies.push(done - due);
            else errors++;
          }
          inFlight--;
          const waiting = backlog.shift();
          if (waiting !== undefined) {
            lateStarts++;
            launch(user, waiting);
          } else {
            idle.push(user);
          }
          finishIfDone();
        })
        .catch(() => undefined);
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (scheduled < due) {
        const at = t0 + scheduled * interval;
        scheduled++;
        const user = idle.shift();
        if (user !== undefined) launch(user, at);
        else backlog.push(at);
      }
      if (scheduled < total) setTimeout(tick, 1);
      else finishIfDone();
    };
    setTimeout(tick, 5);
  });
}
