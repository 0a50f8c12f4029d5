/**
 * USSD per-turn cost against the Chat API's: `npm run bench:ussd`.
 *
 * Runs the built server as a child process on a fresh PostgreSQL database with one published
 * menu flow, then drives the same conversations two ways over loopback HTTP, closed loop:
 *   - Chat API: create a session, then pick options by their ids (JSON, API key);
 *   - USSD, Africa's Talking style: dial (form, `text` ""), then pick options by number,
 *     `text` carrying the whole `*`-joined path, as that gateway sends it.
 * Each user runs sessions of SESSION_TURNS turns back to back, first with many users (the
 * server saturated), then with one (a turn's own latency). Each alternates twice (Chat, USSD,
 * Chat, USSD) so that drift on a noisy machine hits both; every round is printed, and the
 * ratios compare the sums. Target: USSD's time per turn within 1.2× the Chat API's.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_USERS (100 concurrent users), BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10),
 * BENCH_SERIAL_SECONDS (5, the same with one user: a turn's latency without queueing),
 * DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn).
 */
import type { LoopbackClient } from './support/bench-kit';
import { envInt, runBench } from './support/bench-kit';
import {
  chatTurn,
  compareWithChat,
  PICKS,
  SESSION_TURNS,
  startMenuServer,
  type Turn,
} from './support/menu-load';

/** Africa's Talking: a dial per `session`, then options by number, the path joined by `*`. */
function ussdTurn(client: LoopbackClient, webhookPath: string, run: string): Turn {
  return async (user, session, step) => {
    const typed = PICKS.slice(0, step).map((p) => p.number);
    const r = await client.request(
      'POST',
      webhookPath,
      {
        sessionId: `${run}-${user}-${session}`,
        serviceCode: '*150*88#',
        phoneNumber: `+2557${String(user).padStart(8, '0')}`,
        networkCode: '63902',
        text: typed.join('*'),
      },
      true,
    );
    const screen = String(r.body);
    const want = step % 2 === 0 ? 'CON Karibu Duka' : 'CON ';
    return r.status === 200 && screen.startsWith(want) && screen.includes('1. ');
  };
}

async function main(): Promise<number> {
  const users = envInt('BENCH_USERS', 100);
  const server = await startMenuServer('ussd', {}, users);
  if (!server) return 1;
  try {
    const { client, chatbotId } = server;
    const ussd = await client.expect<{ webhook_url: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      { type: 'ussd', name: 'duka', service_code: '*150*88#' },
    );
    const webhookPath = new URL(ussd.webhook_url).pathname;
    // Sanity: one whole session each way, every answer as expected.
    const chat = chatTurn(client, chatbotId);
    const check = ussdTurn(client, webhookPath, 'sanity');
    for (let step = 0; step < SESSION_TURNS; step++) {
      if (!(await chat(0, 0, step))) throw new Error(`Chat API: turn ${step} went wrong`);
      if (!(await check(0, 0, step))) throw new Error(`USSD: turn ${step} went wrong`);
    }
    await compareWithChat(
      server,
      {
        name: 'USSD',
        label: "USSD, Africa's Talking",
        make: (tag) => ussdTurn(client, webhookPath, tag),
        target: 1.2,
      },
      users,
    );
    return 0;
  } finally {
    await server.stop();
  }
}

runBench(main);
