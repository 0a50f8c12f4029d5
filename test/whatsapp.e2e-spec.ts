import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatbotsService } from '../src/chatbots/chatbots.service';
import { ConversationRepository } from '../src/conversation/conversation.repository';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { startBackend, type Backend } from './support/backend';
import { publishedBot } from './support/flows';
import { startGraphApiStub, type GraphApiStub, type StubRequest } from './support/graph-api-stub';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import {
  signedPost,
  waButtonReply,
  waEcho,
  waLegacyButton,
  waListReply,
  waEnvelope,
  waLocation,
  waMedia,
  waReaction,
  waStatus,
  waText,
  waUserChangedNumber,
  type WaChange,
} from './support/whatsapp-webhooks';

const PUBLIC = 'https://gw.example.com';
const APP_SECRET = 'meta-app-secret-for-tests';
const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';
const VERIFY_TOKEN = 'verify-me-please';

const shopFlow = (backendUrl: string) => ({
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu Duka! What do you need?',
      buttons: [
        { id: 'balance', title: 'Balance' },
        { id: 'photo', title: 'Send a photo' },
        { id: 'talk', title: 'Talk' },
      ],
      transitions: { balance: 'ask_account', photo: 'photo', talk: 'talk' },
    },
    ask_account: {
      message: 'Your 4-digit account number?',
      input: {
        save_to: 'account',
        type: 'text',
        pattern: '^[0-9]{4}$',
        error_message: 'Account numbers have 4 digits.',
      },
      transitions: { default: 'lookup' },
    },
    lookup: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/balance/{{account}}`,
          method: 'GET',
          save_to: 'bal',
          success_transition: 'balance',
          failure_transition: 'menu',
        },
      ],
    },
    balance: { message: 'Balance: {{bal.amount}} TZS.', transitions: { always: 'menu' } },
    photo: {
      message: 'Send it, I am looking.',
      input: { save_to: 'pic', type: 'any' },
      transitions: { default: 'got' },
    },
    got: {
      message: {
        type: 'image',
        media_url: 'https://cdn.example.com/receipt.png',
        media_caption: 'Your receipt',
      },
      actions: [{ type: 'SEND_MESSAGE', message: 'Got {{pic.type}}.' }],
      transitions: { always: 'menu' },
    },
    talk: {
      message: 'Say something.',
      input: { save_to: 'said' },
      transitions: { default: 'echo' },
    },
    echo: {
      message: 'You said {{said}}.',
      input: { save_to: 'said' },
      transitions: { default: 'echo' },
    },
  },
});

describe('WhatsApp channel', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let backend: Backend;
  let graph: GraphApiStub;
  let base: string;
  let chatbotId: string;
  let integration: { id: string; webhook_url: string; phone_number_id: string };
  let path: string;
  let pnid = 100000;

  beforeAll(async () => {
    backend = await startBackend();
    backend.respond(() => ({ status: 200, body: { amount: 5000 } }));
    graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC,
      OUTBOX_POLL_MS: '200',
      // Long enough that the send after a media message only goes on because a status came.
      WHATSAPP_MEDIA_WAIT_MS: '60000',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, shopFlow(backend.url)));
    ({ record: integration, path } = await connect());
  });
  afterAll(async () => {
    await t.close();
    await backend.close();
    await graph.close();
  });

  /** A new integration's fields, with a number of its own. */
  const waFields = (fields: Record<string, unknown> = {}) => ({
    type: 'whatsapp',
    name: `wa-${++pnid}`,
    phone_number_id: String(pnid),
    waba_id: '102290129340398',
    access_token: ACCESS_TOKEN,
    app_secret: APP_SECRET,
    verify_token: VERIFY_TOKEN,
    graph_api_base: graph.url,
    graph_api_version: 'v21.0',
    ...fields,
  });

  async function connect(fields: Record<string, unknown> = {}, botBase = base) {
    const res = await t.http().post(`${botBase}/integrations`).set(auth).send(waFields(fields));
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return {
      record: res.body as { id: string; webhook_url: string; phone_number_id: string },
      path: new URL(res.body.webhook_url as string).pathname,
    };
  }

  /** The main integration's number (`connect` makes others). */
  const phoneId = () => integration.phone_number_id;
  let wamids = 0;
  const nextWamid = () => `wamid.in.${++wamids}.${Math.random().toString(36).slice(2)}`;

  const post = (changes: WaChange[], to = path, secret = APP_SECRET) => {
    const { raw, headers } = signedPost(secret, waEnvelope(...changes));
    // A string: supertest would re-serialise a Buffer as JSON.
    return t.http().post(to).set(headers).send(raw.toString());
  };

  /** The sends (not mark-reads) the stub got for one user, in order. */
  const sentTo = (user: string) =>
    graph.sends().filter((r) => (r.body as { to?: string }).to === user.replace('+', ''));
  const textOf = (r: StubRequest) => {
    const b = r.body as {
      type: string;
      text?: { body: string };
      interactive?: { body: { text: string } };
    };
    return b.type === 'text' ? b.text!.body : (b.interactive?.body.text ?? b.type);
  };

  const messagesOf = async (userId: string) => {
    const [row] = await t.db.query<Array<{ id: string; status: string }>>(
      `SELECT id, status FROM conversations WHERE chatbot_id = $1 AND channel = 'whatsapp' AND user_id = $2`,
      [chatbotId, userId],
    );
    const res = await t
      .http()
      .get(`${base}/conversations/${row.id}/messages`)
      .set(auth)
      .expect(200);
    return res.body.items as Array<{
      direction: string;
      message: Record<string, unknown>;
      status?: string;
      error?: { code: number | string; title: string };
      reaction?: string;
    }>;
  };

  describe('integration', () => {
    it('should show webhook_url and health, mask the secrets, and refuse bad fields at their path', async () => {
      const res = await t
        .http()
        .get(`${base}/integrations/${integration.id}`)
        .set(auth)
        .expect(200);
      expect(res.body).toMatchObject({
        type: 'whatsapp',
        phone_number_id: phoneId(),
        access_token: '***',
        app_secret: '***',
        verify_token: VERIFY_TOKEN,
        webhook_url: `${PUBLIC}/webhooks/whatsapp/${integration.id}`,
        health: { status: 'ok' },
      });
      expect(JSON.stringify(res.body)).not.toContain(ACCESS_TOKEN);
      expect(JSON.stringify(res.body)).not.toContain(APP_SECRET);
      const bad = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({ type: 'whatsapp', name: 'bad', phone_number_id: '+255 700', access_token: 'x' })
        .expect(400);
      const paths = (bad.body.errors as Array<{ path: string }>).map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining(['phone_number_id', 'app_secret', 'verify_token']),
      );
    });

    it('should refuse a second integration of the same number in the workspace (409)', async () => {
      const res = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({
          type: 'whatsapp',
          name: 'same-number',
          phone_number_id: phoneId(),
          access_token: 'EAAother',
          app_secret: 'other',
          verify_token: 'other-verify',
        })
        .expect(409);
      expect(res.body.errors).toEqual([{ path: 'phone_number_id', message: expect.any(String) }]);
      // Sending the secrets back masked keeps them: still a working integration.
      await t
        .http()
        .patch(`${base}/integrations/${integration.id}`)
        .set(auth)
        .send({ access_token: '***', app_secret: '***', graph_api_version: 'v21.0' })
        .expect(200);
    });
  });

  describe('webhooks', () => {
    it('should answer the verify handshake with the challenge, and 403 otherwise', async () => {
      const q = (token: string) =>
        `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
      const ok = await t
        .http()
        .get(`${path}?${q(VERIFY_TOKEN)}`)
        .expect(200);
      expect(ok.text).toBe('1158201444');
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
      await t
        .http()
        .get(`${path}?${q('wrong-token')}`)
        .expect(403);
      await t
        .http()
        .get(`/webhooks/whatsapp?${q(VERIFY_TOKEN)}`)
        .expect(200);
      await t
        .http()
        .get(`/webhooks/whatsapp?${q('wrong-token')}`)
        .expect(403);
      await t
        .http()
        .get(`/webhooks/whatsapp/01ARZ3NDEKTSV4RRFFQ69G5FAV?${q(VERIFY_TOKEN)}`)
        .expect(403);
    });

    it('should check the signature over the raw bytes: a bad one, or re-serialised JSON, is 401 and stores nothing', async () => {
      const body = waEnvelope(waText(phoneId(), '+255700000900', nextWamid(), 'Habari, café ☕'));
      const { raw, headers } = signedPost(APP_SECRET, body);
      // Meta escapes non-ASCII as \uXXXX: the bytes differ from JSON.stringify's.
      expect(raw.toString()).toContain('\\u00e9');
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
      await t.http().post(path).set(headers).send(reserialised.toString()).expect(401);
      await t
        .http()
        .post(path)
        .set({ ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })
        .send(raw.toString())
        .expect(401);
      await t
        .http()
        .post(path)
        .set({ 'content-type': 'application/json' })
        .send(raw.toString())
        .expect(401);
      const [none] = await t.db.query(
        `SELECT count(*)::int AS n FROM inbox_events WHERE channel = 'whatsapp'`,
      );
      expect(none.n).toBe(0);
      await t.http().post(path).set(headers).send(raw.toString()).expect(200);
      await waitFor(() => sentTo('+255700000900').length === 1);
      expect(textOf(sentTo('+255700000900')[0])).toBe('Karibu Duka! What do you need?');
      // The app-level URL routes by phone number id, and takes the same signed bytes.
      const again = signedPost(
        APP_SECRET,
        waEnvelope(waText(phoneId(), '+255700000901', nextWamid(), 'Hi')),
      );
      await t
        .http()
        .post('/webhooks/whatsapp')
        .set(again.headers)
        .send(again.raw.toString())
        .expect(200);
      await waitFor(() => sentTo('+255700000901').length === 1);
      const stranger = signedPost(
        APP_SECRET,
        waEnvelope(waText('999999999', '+255700000902', nextWamid(), 'Hi')),
      );
      // A number nobody here owns is ignored (Meta would retry a refusal for days); a
      // known number signed with another secret is refused.
      await t
        .http()
        .post('/webhooks/whatsapp')
        .set(stranger.headers)
        .send(stranger.raw.toString())
        .expect(200);
      const forged = signedPost(
        'not-the-app-secret',
        waEnvelope(waText(phoneId(), '+255700000903', nextWamid(), 'Hi')),
      );
      await t
        .http()
        .post('/webhooks/whatsapp')
        .set(forged.headers)
        .send(forged.raw.toString())
        .expect(401);
      const stored = await t.db.query(
        `SELECT 1 FROM inbox_events WHERE session_key IN ('+255700000902', '+255700000903')`,
      );
      expect(stored).toEqual([]);
    });

    it('should refuse bodies over 3 MB with 413, and bad JSON with 400', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 10, 'a');
      const tooBig = await t
        .http()
        .post(path)
        .set({ 'content-type': 'application/json' })
        .send(big.toString())
        .expect(413);
      expect(tooBig.body.detail).toBe('Request body is larger than 3 MiB.');
      const { headers } = signedPost(APP_SECRET, '{"entry": [');
      await t.http().post(path).set(headers).send('{"entry": [').expect(400);
    });
  });

  describe('conversations', () => {
    it('should hold a conversation: read receipt with typing, buttons, typed input, API_CALL with X-Sarufi headers, statuses', async () => {
      const user = '+255700000001';
      const first = nextWamid();
      await post([waText(phoneId(), user, first, 'Hi', { name: 'Asha' })]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      // The profile name is the conversation's contact name (the latest one wins).
      const [conv] = await t.db.query(
        `SELECT contact_name FROM conversations WHERE user_id = $1 AND channel = 'whatsapp'`,
        [user],
      );
      expect(conv.contact_name).toBe('Asha');
      const read = graph.requests.find(
        (r) => (r.body as { message_id?: string }).message_id === first,
      );
      expect(read?.body).toEqual({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: first,
        typing_indicator: { type: 'text' },
      });
      const menu = sentTo(user)[0];
      expect(menu.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(menu.path).toBe(`/v21.0/${phoneId()}/messages`);
      expect(menu.body).toMatchObject({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '255700000001',
        type: 'interactive',
        interactive: {
          type: 'button',
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'balance', title: 'Balance' } },
              { type: 'reply', reply: { id: 'photo', title: 'Send a photo' } },
              { type: 'reply', reply: { id: 'talk', title: 'Talk' } },
            ],
          },
        },
      });
      await post([waButtonReply(phoneId(), user, nextWamid(), 'balance', 'Balance')]).expect(200);
      await waitFor(() => sentTo(user).length === 2);
      await post([waText(phoneId(), user, nextWamid(), '4321')]).expect(200);
      await waitFor(() => sentTo(user).length === 4);
      expect(sentTo(user).map(textOf)).toEqual([
        'Karibu Duka! What do you need?',
        'Your 4-digit account number?',
        'Balance: 5000 TZS.',
        'Karibu Duka! What do you need?',
      ]);
      // The 24-hour window: the time of the user's last message is kept with the session.
      const [state] = await t.db.query(
        `SELECT channel_state FROM conversations WHERE user_id = $1 AND channel = 'whatsapp'`,
        [user],
      );
      expect(state.channel_state.last_inbound_at).toBeGreaterThan(Date.now() - 120_000);
      const call = backend.calls.find((c) => c.url === '/balance/4321')!;
      expect(call.headers['x-sarufi-channel']).toBe('whatsapp');
      expect(call.headers['x-sarufi-user-id']).toBe(user);

      // Statuses update the stored messages; they come out of order and never move back.
      const balance = sentTo(user)[2];
      const wamid = (balance as StubRequest & { answer: { messages: Array<{ id: string }> } })
        .answer.messages[0].id;
      await post([
        waStatus(phoneId(), wamid, 'read', user),
        waStatus(phoneId(), wamid, 'delivered', user),
      ]).expect(200);
      const messages = await messagesOf(user);
      const stored = messages.find((m) => m.message.text === 'Balance: 5000 TZS.');
      expect(stored?.status).toBe('read');
      const metrics = (await t.http().get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/whatsapp_webhook_events_total\{outcome="accepted"\} [1-9]/);
      expect(metrics).toMatch(/whatsapp_sends_total\{outcome="sent"\} [1-9]/);
      expect(metrics).toMatch(/whatsapp_send_duration_seconds_count [1-9]/);
      expect(metrics).toContain('inbox_pending_events');
      expect(messages.find((m) => m.direction === 'inbound')?.message).toEqual({
        type: 'text',
        text: 'Hi',
      });
    });

    it('should take a duplicate wamid once, sent twice and twice at once', async () => {
      const user = '+255700000002';
      const wamid = nextWamid();
      const change = waText(phoneId(), user, wamid, 'Hi');
      await Promise.all([post([change]).expect(200), post([change]).expect(200)]);
      await post([change]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await t.handle.app.get(OutboxDispatcher).idle();
      expect(sentTo(user)).toHaveLength(1);
      const [n] = await t.db.query(
        `SELECT count(*)::int AS n FROM inbox_events WHERE provider_message_id = $1`,
        [wamid],
      );
      expect(n.n).toBe(1);
    });

    // PostgreSQL only: the embedded database runs one statement at a time, so any open
    // transaction holds back every other statement there.
    const onPostgres = process.env.DATABASE_URL ? it : it.skip;
    onPostgres(
      'should store and answer a message while an editor holds the chatbot (publishing a flow)',
      async () => {
        const user = '+255700000090';
        const chatbots = t.handle.app.get(ChatbotsService);
        const heldBack = Symbol('held back');
        const outcome = await t.db.transaction(async (tx) => {
          await chatbots.lockForUpdate(tx, chatbotId);
          // The inbox row and the new conversation check the chatbot's key: they must not wait
          // for this transaction (the instance stores one statement of a kind at a time).
          let timer: NodeJS.Timeout | undefined;
          const status = await Promise.race([
            post([waText(phoneId(), user, nextWamid(), 'Hi')]).then((res) => res.status),
            new Promise<symbol>((r) => (timer = setTimeout(() => r(heldBack), 10_000))),
          ]).finally(() => clearTimeout(timer));
          const replied = status === 200 ? await waitFor(() => sentTo(user).length === 1) : false;
          return { status, replied };
        });
        expect(outcome).toEqual({ status: 200, replied: true });
      },
    );

    it('should answer 20 messages of one batch in order, and 20 posted at once each once', async () => {
      const user = '+255700000003';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      const batch = [waButtonReply(phoneId(), user, nextWamid(), 'talk', 'Talk')];
      for (let i = 1; i < 20; i++) batch.push(waText(phoneId(), user, nextWamid(), `m${i}`));
      await post(batch).expect(200);
      await waitFor(() => sentTo(user).length === 21, 30_000);
      expect(sentTo(user).slice(1).map(textOf)).toEqual([
        'Say something.',
        ...Array.from({ length: 19 }, (_, i) => `You said m${i + 1}.`),
      ]);
      // Twenty posts racing: each message answered once, in the order the inbox took them.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post([waText(phoneId(), user, nextWamid(), `r${i}`)]).expect(200),
        ),
      );
      await waitFor(() => sentTo(user).length === 41, 30_000);
      const stored = await t.db.query<Array<{ text: string }>>(
        `SELECT payload->'message'->>'text' AS text FROM inbox_events
          WHERE session_key = $1 AND payload->'message'->>'text' LIKE 'r%' ORDER BY seq`,
        [user],
      );
      expect(sentTo(user).slice(21).map(textOf)).toEqual(stored.map((r) => `You said ${r.text}.`));
    });
  });

  describe('inbound types', () => {
    it('should map every type, give media a gateway media_url that streams the file, and answer unsupported types politely', async () => {
      const user = '+255700000010';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await post([waButtonReply(phoneId(), user, nextWamid(), 'photo', 'Send a photo')]).expect(
        200,
      );
      await waitFor(() => sentTo(user).length === 2);
      graph.media.set('media.1', { bytes: Buffer.from('JPEGBYTES'), mimeType: 'image/jpeg' });
      await post([
        waMedia('image', phoneId(), user, nextWamid(), {
          id: 'media.1',
          mime_type: 'image/jpeg',
          caption: 'My receipt',
        }),
      ]).expect(200);
      // The image goes first; the text after it waits for the image's first status.
      await waitFor(() => sentTo(user).length === 3);
      const image = sentTo(user)[2];
      expect(image.body).toMatchObject({
        type: 'image',
        image: { link: 'https://cdn.example.com/receipt.png', caption: 'Your receipt' },
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(sentTo(user)).toHaveLength(3);
      const imageWamid = (image.answer as { messages: Array<{ id: string }> }).messages[0].id;
      const statusAt = Date.now();
      await post([waStatus(phoneId(), imageWamid, 'sent', user)]).expect(200);
      await waitFor(() => sentTo(user).length >= 5);
      expect(sentTo(user).map(textOf).slice(3, 4)).toEqual(['Got image.']);
      expect(sentTo(user)[3].at).toBeGreaterThanOrEqual(statusAt);
      await post([
        waLocation(phoneId(), user, nextWamid(), {
          latitude: '-6.8',
          longitude: 39.28,
          name: 'Kariakoo',
        }),
      ]).expect(200);
      await post([
        waMedia('document', phoneId(), user, nextWamid(), {
          id: 'media.2',
          mime_type: 'application/pdf',
          filename: 'invoice.pdf',
        }),
        waMedia('sticker', phoneId(), user, nextWamid(), {
          id: 'media.3',
          mime_type: 'image/webp',
        }),
        waMedia('audio', phoneId(), user, nextWamid(), { id: 'media.4' }),
        waMedia('video', phoneId(), user, nextWamid(), { id: 'media.5', caption: 'Clip' }),
        waListReply(phoneId(), user, nextWamid(), 'balance', 'Balance', 'See your balance'),
        waLegacyButton(phoneId(), user, nextWamid(), 'talk', 'Talk'),
      ]).expect(200);
      const unsupported = {
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: phoneId() },
          contacts: [{ profile: { name: 'Test User' }, wa_id: user.slice(1) }],
          messages: [
            {
              from: user.slice(1),
              id: nextWamid(),
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'unsupported',
              errors: [{ code: 131051, title: 'Message type unknown' }],
            },
          ],
        },
      };
      await post([unsupported]).expect(200);
      await waitFor(() => sentTo(user).some((r) => textOf(r).includes('only read text')));
      await waitFor(
        async () => (await messagesOf(user)).filter((m) => m.direction === 'inbound').length === 10,
      );
      const inbound = (await messagesOf(user))
        .filter((m) => m.direction === 'inbound')
        .map((m) => m.message);
      const mediaUrl = `${PUBLIC}/api/dev/v1/chatbots/${chatbotId}/media/media.1`;
      expect(inbound.slice(2)).toEqual([
        {
          type: 'image',
          media_id: 'media.1',
          mime_type: 'image/jpeg',
          media_caption: 'My receipt',
          media_url: mediaUrl,
        },
        { type: 'location', latitude: -6.8, longitude: 39.28, name: 'Kariakoo' },
        expect.objectContaining({
          type: 'document',
          media_id: 'media.2',
          media_filename: 'invoice.pdf',
        }),
        expect.objectContaining({ type: 'sticker', media_id: 'media.3' }),
        expect.objectContaining({ type: 'audio', media_id: 'media.4' }),
        expect.objectContaining({ type: 'video', media_id: 'media.5', media_caption: 'Clip' }),
        { type: 'button', button_id: 'balance', text: 'Balance' },
        { type: 'button', button_id: 'talk', text: 'Talk' },
      ]);
      const file = await t
        .http()
        .get(`${base}/media/media.1`)
        .set(auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(file.headers['content-type']).toMatch(/^image\/jpeg/);
      expect((file.body as Buffer).toString()).toBe('JPEGBYTES');
      await t.http().get(`${base}/media/unknown.9`).set(auth).expect(404);
      await t.http().get(`${base}/media/media.1`).expect(401);
    });
  });

  describe('sends', () => {
    it('should retry rate limits and 5xx, then send once, in order', async () => {
      const user = '+255700000020';
      graph.failNext('130429', 1);
      graph.failNext('500', 1);
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).filter((r) => r.status === 200).length === 1, 20_000);
      const attempts = sentTo(user);
      expect(attempts.map((r) => r.status)).toEqual([429, 500, 200]);
      // The stub has answered; the send's end is written just after.
      await t.handle.app.get(OutboxDispatcher).idle();
      const messages = await messagesOf(user);
      expect(messages.at(-1)).toMatchObject({ direction: 'outbound', status: 'sent' });
    });

    it('should wait at least 6 s after the pair rate limit (131056) before the retry', async () => {
      const user = '+255700000021';
      graph.failNext('131056', 1);
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).filter((r) => r.status === 200).length === 1, 20_000);
      const [refused, sent] = sentTo(user);
      expect(sent.at - refused.at).toBeGreaterThanOrEqual(6000);
    });

    it('should record 131047 and 131026 as final failures and go on with the next message', async () => {
      const user = '+255700000022';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      graph.failNext('131047', 1);
      await post([waButtonReply(phoneId(), user, nextWamid(), 'talk', 'Talk')]).expect(200);
      await waitFor(() => sentTo(user).length === 2);
      graph.failNext('131026', 1);
      await post([waText(phoneId(), user, nextWamid(), 'one')]).expect(200);
      await waitFor(() => sentTo(user).length === 3);
      await post([waText(phoneId(), user, nextWamid(), 'two')]).expect(200);
      await waitFor(() => sentTo(user).length === 4);
      await t.handle.app.get(OutboxDispatcher).idle();
      const out = (await messagesOf(user)).filter((m) => m.direction === 'outbound');
      expect(out.map((m) => [m.message.text, m.status, m.error?.code])).toEqual([
        ['Karibu Duka! What do you need?', 'sent', undefined],
        ['Say something.', 'failed', 131047],
        ['You said one.', 'failed', 131026],
        ['You said two.', 'sent', undefined],
      ]);
      expect(sentTo(user)).toHaveLength(4); // never retried
    });

    it("should show a failed status's error code as Meta's number, also on a message stored before with its digits", async () => {
      const user = '+255700000025';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await post([waText(phoneId(), user, nextWamid(), 'one')]).expect(200);
      await waitFor(() => sentTo(user).length === 2);
      await t.handle.app.get(OutboxDispatcher).idle();
      const [greeting, reply] = sentTo(user).map(
        (r) =>
          (r as StubRequest & { answer: { messages: Array<{ id: string }> } }).answer.messages[0]
            .id,
      );
      await post([
        waStatus(phoneId(), reply, 'failed', user, {
          code: 131026,
          title: 'Message undeliverable',
        }),
      ]).expect(200);
      // As a failure was stored before Meta's codes were kept as numbers.
      await t.db.query(
        `UPDATE messages SET delivery_status = 'failed', delivery_error = $2::jsonb WHERE provider_message_id = $1`,
        [greeting, JSON.stringify({ code: '131047', title: 'Re-engagement message' })],
      );
      const out = (await messagesOf(user)).filter((m) => m.direction === 'outbound');
      expect(out.map((m) => [m.status, m.error])).toEqual([
        ['failed', { code: 131047, title: 'Re-engagement message' }],
        ['failed', { code: 131026, title: 'Message undeliverable' }],
      ]);
    });

    it('should mark the integration auth_failed on 190, and ok again with a new token', async () => {
      const other = await connect();
      const user = '+255700000023';
      graph.failNext('190', 1);
      await post(
        [waText(other.record.phone_number_id, user, nextWamid(), 'Hi')],
        other.path,
      ).expect(200);
      await waitFor(async () => {
        const res = await t.http().get(`${base}/integrations/${other.record.id}`).set(auth);
        return res.body.health?.status === 'auth_failed';
      });
      await t.handle.app.get(OutboxDispatcher).idle();
      const res = await t.http().get(`${base}/integrations/${other.record.id}`).set(auth);
      expect(res.body.health).toEqual({
        status: 'auth_failed',
        at: expect.any(String),
        detail: expect.stringContaining('190'),
      });
      const out = (await messagesOf(user)).filter((m) => m.direction === 'outbound');
      expect(out[0]).toMatchObject({ status: 'failed', error: { code: 190 } });
      const patched = await t
        .http()
        .patch(`${base}/integrations/${other.record.id}`)
        .set(auth)
        .send({ access_token: ACCESS_TOKEN })
        .expect(200);
      expect(patched.body.health).toEqual({ status: 'ok' });
      const [conv] = await t.db.query(
        `SELECT id FROM conversations WHERE channel = 'whatsapp' AND user_id = $1`,
        [user],
      );
      const trace = await t
        .http()
        .get(`${base}/conversations/${conv.id}/trace`)
        .set(auth)
        .expect(200);
      expect(JSON.stringify(trace.body)).not.toContain(ACCESS_TOKEN);
      expect(t.logs.text).not.toContain(ACCESS_TOKEN);
      expect(t.logs.text).not.toContain(APP_SECRET);
    });

    it('should split a long text and adapt a long menu into numbered text that a typed number answers', async () => {
      const options = Array.from({ length: 12 }, (_, i) => ({
        id: `o${i + 1}`,
        title: `Option ${i + 1}`,
      }));
      const { base: wideBase } = await publishedBot(t, auth, {
        start: 'pick',
        states: {
          pick: {
            message: `${'Long sentence here. '.repeat(230)}Pick one.`,
            buttons: options,
            transitions: Object.fromEntries(
              options.map((o) => [o.id, o.id === 'o11' ? 'eleven' : 'pick']),
            ),
          },
          eleven: { message: 'You chose eleven.', transitions: { always: 'pick' } },
        },
      });
      const { record: wide, path: widePath } = await connect({ name: 'wide' }, wideBase);
      const user = '+255700000024';
      await post([waText(wide.phone_number_id, user, nextWamid(), 'Hi')], widePath).expect(200);
      await waitFor(() => sentTo(user).length >= 2);
      const parts = sentTo(user).map(textOf);
      expect(parts.every((p) => [...p].length <= 4096)).toBe(true);
      expect(parts.join(' ')).toContain('11. Option 11');
      // A reply it does not understand gets the fallback; the menu still waits, by number too.
      await post([waText(wide.phone_number_id, user, nextWamid(), 'zzz')], widePath).expect(200);
      await waitFor(() => sentTo(user).length === parts.length + 1);
      expect(textOf(sentTo(user)[parts.length])).toMatch(/didn't get that/);
      await post([waText(wide.phone_number_id, user, nextWamid(), '11')], widePath).expect(200);
      await waitFor(() => sentTo(user).map(textOf).includes('You chose eleven.'));
    });
  });

  describe('notifications', () => {
    it('should store a reaction, move a changed number, and hand off on an echo', async () => {
      const user = '+255700000030';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await t.handle.app.get(OutboxDispatcher).idle();
      const menuWamid = (sentTo(user)[0].answer as { messages: Array<{ id: string }> }).messages[0]
        .id;
      await post([waReaction(phoneId(), user, nextWamid(), menuWamid, '👍')]).expect(200);
      const out = (await messagesOf(user)).filter((m) => m.direction === 'outbound');
      expect(out[0]).toMatchObject({ reaction: '👍' });

      const moved = '+255700000031';
      await post([waUserChangedNumber(phoneId(), user, moved, nextWamid())]).expect(200);
      await waitFor(async () => {
        const [row] = await t.db.query(
          `SELECT count(*)::int AS n FROM conversations WHERE channel = 'whatsapp' AND user_id = $1`,
          [moved],
        );
        return row.n === 1;
      });
      await post([waEcho(phoneId(), moved, nextWamid(), 'A person answers here')]).expect(200);
      await waitFor(async () => {
        const [row] = await t.db.query(
          `SELECT status FROM conversations WHERE channel = 'whatsapp' AND user_id = $1`,
          [moved],
        );
        return row.status === 'HANDOFF_PENDING';
      });
      const before = sentTo(moved).length;
      await post([waText(phoneId(), moved, nextWamid(), 'hello?')]).expect(200);
      await waitFor(async () => (await messagesOf(moved)).some((m) => m.message.text === 'hello?'));
      await t.handle.app.get(OutboxDispatcher).idle();
      expect(sentTo(moved)).toHaveLength(before); // the bot keeps quiet during the handoff
    });
  });

  describe('edges found by a black-box review', () => {
    it('should answer a reply whose preview cut falls inside an emoji, storing the message once', async () => {
      const user = '+255700000040';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await post([waButtonReply(phoneId(), user, nextWamid(), 'talk', 'Talk')]).expect(200);
      await waitFor(() => sentTo(user).length === 2);
      // "You said " + this: the emoji's two UTF-16 units straddle the 120-unit preview's cut.
      const said = `${'a'.repeat(118 - 'You said '.length)}😀 hello`;
      await post([waText(phoneId(), user, nextWamid(), said)]).expect(200);
      await waitFor(() => sentTo(user).length === 3);
      expect(textOf(sentTo(user)[2])).toBe(`You said ${said}.`);
      const inbound = (await messagesOf(user)).filter((m) => m.message.text === said);
      expect(inbound).toHaveLength(1);
    });

    it('should keep the message of a turn that failed once, mark its event done, and not run it again', async () => {
      const user = '+255700000041';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await t.handle.app.get(OutboxDispatcher).idle();
      // The turn's commit fails as a statement the database refused would (fault injection).
      const commits = jest
        .spyOn(t.handle.app.get(ConversationRepository), 'commitTurn')
        .mockRejectedValueOnce(Object.assign(new Error('invalid input syntax'), { code: '22P02' }));
      const wamid = nextWamid();
      try {
        await post([waText(phoneId(), user, wamid, 'this fails')]).expect(200);
        await waitFor(async () => {
          const [e] = await t.db.query<Array<{ status: string }>>(
            `SELECT status FROM inbox_events WHERE provider_message_id = $1`,
            [wamid],
          );
          return e?.status === 'done';
        });
      } finally {
        commits.mockRestore();
      }
      const [event] = await t.db.query<Array<{ attempts: number }>>(
        `SELECT attempts FROM inbox_events WHERE provider_message_id = $1`,
        [wamid],
      );
      expect(event.attempts).toBe(1);
      const kept = (await messagesOf(user)).filter((m) => m.message.text === 'this fails');
      expect(kept).toHaveLength(1);
      expect(sentTo(user)).toHaveLength(1); // no reply to a failed turn
    });

    it('should apply statuses and reactions only to messages of the integration they came to', async () => {
      const other = await connect();
      const otherPath = new URL(other.record.webhook_url).pathname;
      const user = '+255700000042';
      await post([waText(phoneId(), user, nextWamid(), 'Hi')]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      await t.handle.app.get(OutboxDispatcher).idle();
      const wamid = (sentTo(user)[0].answer as { messages: Array<{ id: string }> }).messages[0].id;
      const outbound = async () =>
        (await messagesOf(user)).find((m) => m.direction === 'outbound')!;
      expect((await outbound()).status).toBe('sent');
      // Another number's webhook, signed with its secret, naming its own number.
      await post(
        [
          waStatus(other.record.phone_number_id, wamid, 'read', user),
          waReaction(other.record.phone_number_id, user, nextWamid(), wamid, '💩'),
        ],
        otherPath,
      ).expect(200);
      // The spoofed status is stored for later tries; let them run out.
      await waitFor(async () => {
        const [row] = await t.db.query<Array<{ n: number }>>(
          `SELECT count(*)::int AS n FROM inbox_events WHERE integration_id = $1 AND status = 'pending'`,
          [other.record.id],
        );
        return row.n === 0;
      }, 20_000);
      expect(await outbound()).toMatchObject({ status: 'sent' });
      expect((await outbound()).reaction).toBeUndefined();
      await post([waStatus(phoneId(), wamid, 'read', user)]).expect(200);
      expect((await outbound()).status).toBe('read');
    }, 30_000);

    it('should refuse an unsigned POST on the app-level URL, whatever numbers it names (401)', async () => {
      const body = JSON.stringify(
        waEnvelope(waText('999999999', '+255700000043', nextWamid(), 'x')),
      );
      for (const signature of [undefined, 'sha256=00', 'md5=abc']) {
        const req = t.http().post('/webhooks/whatsapp').set('content-type', 'application/json');
        if (signature) req.set('x-hub-signature-256', signature);
        const res = await req.send(body).expect(401);
        expect(res.body.detail).toBe('Invalid X-Hub-Signature-256.');
      }
    });

    it('should say why a handshake with an odd challenge is refused', async () => {
      const res = await t
        .http()
        .get(`${path}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=a%20b`)
        .expect(403);
      expect(res.body.detail).toBe('hub.challenge must be 1 to 256 visible ASCII characters.');
    });

    it('should not stream a redirect as the file, and mark the integration auth_failed on 190', async () => {
      const redirect: Server = createServer((_req, res) => {
        res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end('moved');
      });
      await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}/file`;
        graph.media.set('media.redirect', { bytes: Buffer.from('x'), mimeType: 'image/png', url });
        const moved = await t.http().get(`${base}/media/media.redirect`).set(auth).expect(503);
        expect(moved.body.detail).toBe('Meta did not give the media file now; try again.');
      } finally {
        await new Promise((resolve) => redirect.close(resolve));
      }

      // A chatbot of its own, whose one number's token Meta refuses.
      const bot = await publishedBot(t, auth, shopFlow(backend.url));
      const { record: wa } = await connect({}, bot.base);
      graph.media.set('media.auth', { bytes: Buffer.from('x'), mimeType: 'image/png' });
      graph.failNext('190', 1, (r) => r.method === 'GET');
      const refused = await t.http().get(`${bot.base}/media/media.auth`).set(auth).expect(503);
      expect(refused.body.detail).toMatch(/refused the WhatsApp integration's access token/);
      const after = await t.http().get(`${bot.base}/integrations/${wa.id}`).set(auth).expect(200);
      expect(after.body.health).toMatchObject({
        status: 'auth_failed',
        detail: expect.any(String),
      });
    });

    it('should refuse a number id with a leading zero, credentials in graph_api_base, and changed read-only fields', async () => {
      const create = (fields: Record<string, unknown>) =>
        t.http().post(`${base}/integrations`).set(auth).send(waFields(fields));
      const zero = await create({ phone_number_id: `0${integration.phone_number_id}` }).expect(400);
      expect(zero.body.errors.map((e: { path: string }) => e.path)).toEqual(['phone_number_id']);
      const creds = await create({ graph_api_base: 'http://user:pass@127.0.0.1:1' }).expect(400);
      expect(creds.body.errors.map((e: { path: string }) => e.path)).toEqual(['graph_api_base']);

      const made = await create({ waba_id: '102290129340398' }).expect(201);
      const url = `${base}/integrations/${made.body.id as string}`;
      // The record sent back as shown is fine; a changed read-only field is not.
      const { updated_at: _, ...shown } = made.body as Record<string, unknown>;
      await t.http().patch(url).set(auth).send(shown).expect(200);
      for (const [field, value] of [
        ['health', { status: 'auth_failed' }],
        ['webhook_url', 'http://evil.example/'],
        ['created_at', '2020-01-01T00:00:00.000Z'],
      ] as const) {
        const res = await t
          .http()
          .patch(url)
          .set(auth)
          .send({ [field]: value })
          .expect(400);
        expect(res.body.errors).toEqual([
          { path: field, message: `${field} is read-only and cannot be changed.` },
        ]);
      }
      const cleared = await t.http().patch(url).set(auth).send({ waba_id: null }).expect(200);
      expect(cleared.body.waba_id).toBeNull();
    });

    it('should not let a timestamp in the future stretch the 24-hour window', async () => {
      const user = '+255700000044';
      const tenDays = Math.floor(Date.now() / 1000) + 10 * 24 * 3600;
      const before = Date.now();
      await post([waText(phoneId(), user, nextWamid(), 'Hi', { timestamp: tenDays })]).expect(200);
      await waitFor(() => sentTo(user).length === 1);
      const [row] = await t.db.query<Array<{ channel_state: { last_inbound_at: number } }>>(
        `SELECT channel_state FROM conversations WHERE channel = 'whatsapp' AND user_id = $1`,
        [user],
      );
      expect(row.channel_state.last_inbound_at).toBeGreaterThanOrEqual(before);
      expect(row.channel_state.last_inbound_at).toBeLessThanOrEqual(Date.now());
    });

    it('should show an inbox depth of 0 for WhatsApp once its events are processed', async () => {
      await t.handle.app.get(OutboxDispatcher).idle();
      await waitFor(async () => {
        const metrics = (await t.http().get('/metrics').expect(200)).text;
        return /inbox_pending_events\{channel="whatsapp"\} 0\b/.test(metrics);
      });
    });
  });
});
