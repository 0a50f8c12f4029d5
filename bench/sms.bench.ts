/**
 * SMS end to end against the Chat API's turn: `npm run bench:sms`.
 *
 * Runs the built server as a child process on a fresh PostgreSQL database with one published
 * menu flow and an Africa's Talking SMS integration whose `api_base` is a stub of the AT SMS
 * API in this process (127.0.0.1). Each user sends an inbound SMS (AT's webhook form) and
 * waits until the reply reaches the stub: webhook → inbox → turn → outbox → provider API.
 * The same conversations run through the Chat API in the same run, alternating twice, with
 * many users and with one. Target: an SMS costs at most 1.5× a Chat API turn.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_USERS (50), BENCH_WARMUP_SECONDS (2), BENCH_SECONDS (10), BENCH_SERIAL_SECONDS (5),
 * DATABASE_POOL_SIZE (10), BENCH_LOG_LEVEL (warn).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackClient } from './support/bench-kit';
import { envInt, runBench } from './support/bench-kit';
import { compareWithChat, PICKS, startMenuServer, type Turn } from './support/menu-load';

/** Africa's Talking's SMS API, as far as sending goes: 201 and a message id per send. */
class StubSmsApi {
  private server!: Server;
  private readonly waiting = new Map<string, (text: string) => void>();
  private sent = 0;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const to = form.get('to') ?? '';
        this.sent++;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            SMSMessageData: {
              Message: 'Sent to 1/1 Total Cost: TZS 20.0000',
              Recipients: [
                { statusCode: 101, number: to, status: 'Success', messageId: `ATXid_${this.sent}` },
              ],
            },
          }),
        );
        this.waiting.get(to)?.(form.get('message') ?? '');
        this.waiting.delete(to);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next SMS sent to `to` (rejects after 30 s). */
  next(to: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMS to ${to} within 30 s`)), 30_000);
      this.waiting.set(to, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A user's messages: "Hi" once, then the menu numbers round and round. */
const tags = new Map<string, number>();

function smsTurn(client: LoopbackClient, api: StubSmsApi, webhookPath: string, tag: string): Turn {
  // Each run has numbers of its own: a digit code per tag.
  if (!tags.has(tag)) tags.set(tag, tags.size);
  const run = String(tags.get(tag)).padStart(2, '0');
  const counts = new Map<number, number>();
  let ids = 0;
  return async (user) => {
    const n = counts.get(user) ?? 0;
    counts.set(user, n + 1);
    const to = `+2557${run}${String(user).padStart(5, '0')}`;
    const reply = api.next(to);
    const r = await client.request(
      'POST',
      webhookPath,
      {
        from: to,
        to: '15055',
        text: n === 0 ? 'Hi' : PICKS[(n - 1) % PICKS.length].number,
        date: '2026-12-05 10:00:00',
        id: `bench-${run}-${++ids}`,
      },
      true,
    );
    if (r.status !== 200) return false;
    return (await reply).includes('1. ');
  };
}

async function main(): Promise<number> {
  const users = envInt('BENCH_USERS', 50);
  const api = new StubSmsApi();
  await api.start();
  const server = await startMenuServer('sms', { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }, users);
  if (!server) {
    await api.close();
    return 1;
  }
  try {
    const { client, chatbotId } = server;
    const sms = await client.expect<{ webhook_url: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      { type: 'sms', name: 'duka', username: 'duka', api_key: 'atsk_bench', api_base: api.url },
    );
    const webhookPath = new URL(sms.webhook_url).pathname;
    const check = smsTurn(client, api, webhookPath, '9');
    for (let step = 0; step < 4; step++)
      if (!(await check(0, 0, step))) throw new Error(`SMS: message ${step} went wrong`);
    await compareWithChat(
      server,
      {
        name: 'SMS',
        label: "SMS, Africa's Talking",
        make: (tag) => smsTurn(client, api, webhookPath, tag),
        target: 1.5,
      },
      users,
    );
    return 0;
  } finally {
    await server.stop();
    await api.close();
  }
}

runBench(main);
