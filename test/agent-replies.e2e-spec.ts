import { CHANNEL_INTEGRATION_TTL_MS } from '../src/channels/channel-integrations';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { startBackend, type Backend } from './support/backend';
import { publishedBot } from './support/flows';
import { startGraphApiStub, type GraphApiStub, type StubRequest } from './support/graph-api-stub';
import { africasTalkingAccepted, formOf } from './support/sms-provider-answers';
import { startTestApp, type TestApp } from './support/test-app';
import { driverFor, ussdUser } from './support/ussd-gateways';
import { waitFor } from './support/wait';
import {
  signedPost,
  waEnvelope,
  waStatus,
  waText,
  type WaChange,
} from './support/whatsapp-webhooks';

const PUBLIC = 'https://gw.example.com';
const APP_SECRET = 'meta-app-secret-for-tests';
const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const DAY_MS = 24 * 60 * 60 * 1000;

const flow = {
  start: 'ask',
  states: {
    ask: {
      message: 'Ask me anything',
      input: { save_to: 'q' },
      transitions: { default: 'answer' },
    },
    answer: {
      message: 'Bot answer to {{q}}',
      input: { save_to: 'q' },
      transitions: { default: 'answer' },
    },
  },
};

const AMINA = { id: 'agent-7', name: 'Amina' };

interface HistoryItem {
  direction: string;
  message: { type: string; text?: string };
  responder?: string;
  agent?: { id: string; name?: string };
  status?: string;
}

describe("People's replies on the phone channels (WhatsApp, SMS, USSD)", () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let base: string;
  let chatbotId: string;
  let graph: GraphApiStub;
  /** The SMS providers' send APIs (Africa's Talking's path); records every send. */
  let sms: Backend;

  beforeAll(async () => {
    graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
    sms = await startBackend();
    let sent = 0;
    sms.respond((call) => africasTalkingAccepted(call, `ATXid_out_${++sent}`));
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC,
      OUTBOX_POLL_MS: '200',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, flow));
  });
  afterAll(async () => {
    await t.close();
    await graph.close();
    await sms.close();
  });

  const reply = (conversationId: string, text: string) =>
    t
      .http()
      .post(`${base}/conversations/${conversationId}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text }, agent: AMINA });

  const conversationOf = async (channel: string, userId: string) => {
    const [row] = await t.db.query<Array<{ id: string }>>(
      `SELECT id FROM conversations WHERE chatbot_id = $1 AND channel = $2 AND user_id = $3`,
      [chatbotId, channel, userId],
    );
    return row.id;
  };

  const history = async (conversationId: string) =>
    (await t.http().get(`${base}/conversations/${conversationId}/messages`).set(auth).expect(200))
      .body.items as HistoryItem[];

  const statusOf = async (conversationId: string) =>
    (await t.http().get(`${base}/conversations/${conversationId}`).set(auth).expect(200)).body
      .status as string;

  const settled = () => t.handle.app.get(OutboxDispatcher).idle();

  describe('WhatsApp', () => {
    let pnid = 200000;

    async function connect() {
      const res = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({
          type: 'whatsapp',
          name: `wa-${++pnid}`,
          phone_number_id: String(pnid),
          waba_id: '102290129340398',
          access_token: ACCESS_TOKEN,
          app_secret: APP_SECRET,
          verify_token: 'verify-me',
          graph_api_base: graph.url,
          graph_api_version: 'v21.0',
        });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      const record = res.body as { id: string; webhook_url: string; phone_number_id: string };
      return { ...record, path: new URL(record.webhook_url).pathname };
    }

    let wa: Awaited<ReturnType<typeof connect>>;
    beforeAll(async () => {
      wa = await connect();
    });

    let wamids = 0;
    const nextWamid = () => `wamid.in.${++wamids}.${Math.random().toString(36).slice(2)}`;
    const post = (changes: WaChange[], to = wa.path) => {
      const { raw, headers } = signedPost(APP_SECRET, waEnvelope(...changes));
      return t.http().post(to).set(headers).send(raw.toString());
    };
    /** The sends (not mark-reads) the stub got for one user, in order. */
    const sentTo = (user: string) =>
      graph.sends().filter((r) => (r.body as { to?: string }).to === user.replace('+', ''));
    const textOf = (r: StubRequest) => (r.body as { text?: { body: string } }).text?.body;
    const wamidOf = (r: StubRequest) =>
      (r.answer as { messages: Array<{ id: string }> }).messages[0].id;

    it("should send a person's reply to the user through the Graph API, keep it as HUMAN and keep the bot quiet after it", async () => {
      const user = '+255710000001';
      await post([waText(wa.phone_number_id, user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      const cid = await conversationOf('whatsapp', user);

      const res = await reply(cid, 'Amina here, how can I help?').expect(201);
      expect(res.body).toMatchObject({
        direction: 'outbound',
        responder: 'HUMAN',
        agent: AMINA,
        message: { type: 'text', text: 'Amina here, how can I help?' },
      });
      await waitFor(() => sentTo(user).filter((r) => r.status === 200).length === 2);
      const human = sentTo(user)[1];
      expect(human.path).toBe(`/v21.0/${wa.phone_number_id}/messages`);
      expect(human.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(human.body).toMatchObject({
        messaging_product: 'whatsapp',
        to: '255710000001',
        type: 'text',
        text: { body: 'Amina here, how can I help?' },
      });

      // Queued in the reply's statement, then sent with Meta's answer, then the status webhook.
      const stored = await waitFor(async () =>
        (await history(cid)).find((m) => m.responder === 'HUMAN' && m.status === 'sent'),
      );
      expect(stored).toMatchObject({
        agent: AMINA,
        message: { text: 'Amina here, how can I help?' },
      });
      await post([waStatus(wa.phone_number_id, wamidOf(human), 'delivered', user)]).expect(200);
      await waitFor(async () =>
        (await history(cid)).some((m) => m.responder === 'HUMAN' && m.status === 'delivered'),
      );
      expect(await statusOf(cid)).toBe('AGENT_ACTIVE');

      // The user answers the person: stored, and the bot says nothing.
      await post([waText(wa.phone_number_id, user, nextWamid(), 'My order is late')]).expect(200);
      await waitFor(async () =>
        (await history(cid)).some((m) => m.message.text === 'My order is late'),
      );
      await settled();
      expect(sentTo(user).map(textOf)).toEqual(['Ask me anything', 'Amina here, how can I help?']);
      expect(await statusOf(cid)).toBe('AGENT_ACTIVE');
    });

    it('should refuse a reply outside the 24-hour window with 409 and the time it closed, sending and storing nothing', async () => {
      const user = '+255710000002';
      // Meta retries a webhook for days, and the message keeps the time the user sent it: a
      // message written 25 hours ago reaches the server now, and the window runs from then.
      const sentAt = Math.floor((Date.now() - 25 * 60 * 60 * 1000) / 1000);
      await post([
        waText(wa.phone_number_id, user, nextWamid(), 'Hi', { timestamp: sentAt }),
      ]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await settled();
      const cid = await conversationOf('whatsapp', user);
      const before = await history(cid);

      const res = await reply(cid, 'Sorry for the wait').expect(409);
      const closedAt = new Date(sentAt * 1000 + DAY_MS).toISOString();
      expect(res.body.detail).toBe(
        `The WhatsApp 24-hour window closed at ${closedAt}; only a template can reach the user now.`,
      );
      await settled();
      expect(sentTo(user)).toHaveLength(1);
      expect(await history(cid)).toEqual(before);
      expect(await statusOf(cid)).toBe('ACTIVE');

      // The user writes again: the window opens, and the same reply goes.
      await post([waText(wa.phone_number_id, user, nextWamid(), 'Anyone?')]).expect(200);
      await waitFor(() => sentTo(user).length === 2);
      await reply(cid, 'Sorry for the wait').expect(201);
      await waitFor(() => sentTo(user).length === 3);
      expect(textOf(sentTo(user)[2])).toBe('Sorry for the wait');
    });

    it('should send a template a person picks outside the window, and refuse a malformed one at its path', async () => {
      const user = '+255710000009';
      const sentAt = Math.floor((Date.now() - 30 * 60 * 60 * 1000) / 1000);
      await post([
        waText(wa.phone_number_id, user, nextWamid(), 'Hi', { timestamp: sentAt }),
      ]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      const cid = await conversationOf('whatsapp', user);
      const template = { type: 'template', name: 'order_update', language: 'en_US' };
      const res = await t
        .http()
        .post(`${base}/conversations/${cid}/messages`)
        .set(auth)
        .send({ message: template, agent: AMINA })
        .expect(201);
      expect(res.body.message).toEqual(template);
      await waitFor(() => sentTo(user).length === 2);
      expect(sentTo(user)[1].body).toMatchObject({
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' } },
      });
      const bad = await t
        .http()
        .post(`${base}/conversations/${cid}/messages`)
        .set(auth)
        .send({ message: { type: 'template', name: 'Order Update', language: 'en' } })
        .expect(400);
      expect(bad.body.errors[0].path).toBe('message.name');
    });

    it("should refuse a reply to a user on the opt-out list, as the bot's replies are held back", async () => {
      const user = '+255710000005';
      await post([waText(wa.phone_number_id, user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await settled();
      const cid = await conversationOf('whatsapp', user);
      await t
        .http()
        .post(`${base}/opt-outs`)
        .set(auth)
        .send({ channel: 'whatsapp', user_id: user })
        .expect(201);

      const res = await reply(cid, 'One more thing').expect(409);
      expect(res.body.detail).toBe(
        'This user is on the opt-out list for WhatsApp; nothing was sent.',
      );
      await settled();
      expect(sentTo(user)).toHaveLength(1);
    });

    it('should refuse a reply when the integration the user wrote to was deleted', async () => {
      const other = await connect();
      const user = '+255710000003';
      await post([waText(other.phone_number_id, user, nextWamid(), 'Hi')], other.path).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await settled();
      const cid = await conversationOf('whatsapp', user);
      await t.http().delete(`${base}/integrations/${other.id}`).set(auth).expect(204);
      // Channel integrations are cached this long on each instance.
      await new Promise((r) => setTimeout(r, CHANNEL_INTEGRATION_TTL_MS + 100));

      const res = await reply(cid, 'Still there?').expect(409);
      expect(res.body.detail).toBe(
        'The WhatsApp integration of this conversation was deleted; nothing was sent.',
      );
      await settled();
      expect(sentTo(user)).toHaveLength(1);
    });

    it('should send a reply queued behind a bot message that is still waiting after it', async () => {
      const user = '+255710000004';
      // The bot's greeting is refused once (Meta's 503) and waits for its retry.
      graph.failNext('503', 1, (r) => (r.body as { to?: string }).to === '255710000004');
      await post([waText(wa.phone_number_id, user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).some((r) => r.status === 503));
      const cid = await conversationOf('whatsapp', user);

      await reply(cid, 'A person here').expect(201);
      await waitFor(() => sentTo(user).filter((r) => r.status === 200).length === 2, 20_000);
      const sends = sentTo(user);
      expect(sends.map((r) => [textOf(r), r.status])).toEqual([
        ['Ask me anything', 503],
        ['Ask me anything', 200],
        ['A person here', 200],
      ]);
      // The person's reply left only once the bot's greeting was answered.
      expect(sends[2].at).toBeGreaterThanOrEqual(sends[1].at);
      const out = (await history(cid)).filter((m) => m.direction === 'outbound');
      expect(out.map((m) => [m.responder, m.message.text])).toEqual([
        ['BOT', 'Ask me anything'],
        ['HUMAN', 'A person here'],
      ]);
    });
  });

  describe('SMS', () => {
    async function africasTalking(senderId: string) {
      const res = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({
          type: 'sms',
          name: `sms-${senderId}`,
          provider: 'africastalking',
          username: 'duka',
          api_key: 'atsk_x',
          sender_id: senderId,
          api_base: sms.url,
        });
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      return { id: res.body.id as string, path: new URL(res.body.webhook_url as string).pathname };
    }

    let ids = 0;
    const texts = (path: string, from: string, text: string) =>
      t
        .http()
        .post(path)
        .type('form')
        .send({ from, to: '15055', text, date: '2026-12-05 10:00:00', id: `ATXid_in_${++ids}` })
        .expect(200);
    /** What the provider was asked to send to a number, in order: sender and text. */
    const sentTo = (number: string) =>
      sms.calls
        .filter((c) => c.url === '/version1/messaging' && formOf(c).to === number)
        .map((c) => [formOf(c).from, formOf(c).message]);

    it('should send a reply through the integration the number last wrote through, and refuse it after STOP', async () => {
      const first = await africasTalking('DUKA');
      const second = await africasTalking('DUKA2');
      const number = '+255720000001';
      await texts(first.path, number, 'Hi');
      await waitFor(() => sentTo(number).length === 1);
      // The same number's session, now through the other short code: replies go out by it.
      await texts(second.path, number, 'prices');
      await waitFor(() => sentTo(number).length === 2);
      const cid = await conversationOf('sms', number);

      const res = await reply(cid, 'Amina here: prices are on the way.').expect(201);
      expect(res.body).toMatchObject({ responder: 'HUMAN', agent: AMINA });
      await waitFor(() => sentTo(number).length === 3);
      expect(sentTo(number)).toEqual([
        ['DUKA', 'Ask me anything'],
        ['DUKA2', 'Bot answer to prices'],
        ['DUKA2', 'Amina here: prices are on the way.'],
      ]);
      await waitFor(async () =>
        (await history(cid)).some((m) => m.responder === 'HUMAN' && m.status === 'sent'),
      );
      expect(await statusOf(cid)).toBe('AGENT_ACTIVE');

      await texts(second.path, number, 'STOP');
      await waitFor(() => sentTo(number).length === 4);
      expect(sentTo(number)[3][1]).toMatch(/no more messages/);
      const refused = await reply(cid, 'Are you still there?').expect(409);
      expect(refused.body.detail).toBe(
        'This number has opted out of SMS (STOP); nothing was sent.',
      );
      await settled();
      expect(sentTo(number)).toHaveLength(4);
      expect((await history(cid)).map((m) => m.message.text)).not.toContain('Are you still there?');
    });
  });

  describe('USSD', () => {
    it('should refuse a reply with 409: a USSD session takes no message it did not ask for', async () => {
      const res = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({ type: 'ussd', name: 'ussd', service_code: '*150*88#' });
      expect(res.status).toBe(201);
      const path = new URL(res.body.webhook_url as string).pathname;
      const phone = '+255730000001';
      const user = ussdUser(t, driverFor('africastalking'), path, phone);
      expect((await user.dial()).text).toContain('Ask me anything');
      const cid = await conversationOf('ussd', phone);

      const refused = await reply(cid, 'Hello from a person').expect(409);
      expect(refused.body.detail).toBe('A USSD session cannot take a message it did not ask for.');
      expect(await statusOf(cid)).toBe('ACTIVE');
      expect((await history(cid)).some((m) => m.responder === 'HUMAN')).toBe(false);
    });
  });
});
