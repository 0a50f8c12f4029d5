import { verifyEventSignature } from '../src/events/event-signature';
import { USER_AGENT } from '../src/integrations/user-agent';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { startBackend, type Backend, type RecordedCall } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const PUBLIC = 'https://gw.example.com';

interface Delivery {
  id: string;
  chatbot_id: string;
  integration_id: string;
  conversation_id: string;
  user_id: string;
  messages: Array<{ type: string; text?: string }>;
  message_ids: string[];
  created_at: string;
}

interface HistoryItem {
  id: string;
  direction: string;
  message: { type: string; text?: string; button_id?: string };
  responder?: string;
  status?: string;
  error?: { code: string };
}

const flowFor = (backendUrl: string) => {
  const next = { order: 'order', agent: 'agent', slow: 'slow', default: 'echo' };
  return {
    start: 'menu',
    states: {
      menu: {
        message: ['Karibu!', 'Say order, agent or anything.'],
        input: { save_to: 'said' },
        transitions: next,
      },
      echo: {
        message: ['You said: {{said}}', 'Anything else?'],
        input: { save_to: 'said' },
        transitions: next,
      },
      order: { message: 'Order placed.', input: { save_to: 'said' }, transitions: next },
      agent: {
        message: 'Connecting you to a person.',
        actions: [{ type: 'HANDOFF' }],
        input: { save_to: 'said' },
        transitions: next,
      },
      // A turn that takes a while: the next message of the user waits for it.
      slow: {
        actions: [
          {
            type: 'API_CALL',
            url: `${backendUrl}/slow`,
            method: 'POST',
            body: {},
            save_to: 'r',
            success_transition: 'slow_done',
            failure_transition: 'slow_done',
          },
        ],
      },
      slow_done: { message: 'Done, slowly.', input: { save_to: 'said' }, transitions: next },
      reminder: { message: 'Reminder for {{day}}.', input: { save_to: 'said' }, transitions: next },
    },
  };
};

describe('The rest-api channel: a channel of the business’s own', () => {
  let t: TestApp;
  /** The business's backend: webhook receiver (/hooks/…) and the flow's slow API (/slow). */
  let crm: Backend;
  let auth: Record<string, string>;
  let base: string;
  let chatbotId: string;
  let main: { id: string; secret: string };

  const createIntegration = (onBase: string, body: Record<string, unknown>) =>
    t
      .http()
      .post(`${onBase}/integrations`)
      .set(auth)
      .send({ type: 'rest-api', ...body });

  beforeAll(async () => {
    crm = await startBackend();
    crm.respond((call) =>
      call.url === '/slow' ? { status: 200, body: {}, delayMs: 1500 } : { status: 200, body: {} },
    );
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC,
      OUTBOX_POLL_MS: '100',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, flowFor(crm.url)));
    const res = await createIntegration(base, {
      name: 'crm',
      webhook_url: `${crm.url}/hooks/main`,
    }).expect(201);
    main = { id: res.body.id, secret: res.body.webhook_secret };
  });

  afterAll(async () => {
    await t.close();
    await crm.close();
  });

  const post = (body: Record<string, unknown>, integrationId = main.id, onBase = base) =>
    t.http().post(`${onBase}/channels/rest-api/${integrationId}/messages`).set(auth).send(body);

  const callsTo = (path: string, userId: string): RecordedCall[] =>
    crm.calls.filter((c) => c.url === path && (JSON.parse(c.body) as Delivery).user_id === userId);
  const deliveries = (userId: string, path = '/hooks/main'): Delivery[] =>
    callsTo(path, userId).map((c) => JSON.parse(c.body) as Delivery);
  const texts = (userId: string, path?: string) =>
    deliveries(userId, path).map((d) => d.messages.map((m) => m.text));
  const signedWith = (secret: string, c: RecordedCall) =>
    verifyEventSignature(
      secret,
      c.headers['x-sarufi-signature'] as string,
      c.body,
      Math.floor(Date.now() / 1000),
    );
  const history = async (cid: string) =>
    (await t.http().get(`${base}/conversations/${cid}/messages`).set(auth).expect(200)).body
      .items as HistoryItem[];
  const settled = () => t.handle.app.get(OutboxDispatcher).idle();

  it('should show the signing secret once, then ***, with where to post messages', async () => {
    expect(main.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const got = await t.http().get(`${base}/integrations/${main.id}`).set(auth).expect(200);
    expect(got.body).toMatchObject({
      id: main.id,
      type: 'rest-api',
      name: 'crm',
      webhook_url: `${crm.url}/hooks/main`,
      webhook_secret: '***',
      messages_url: `${PUBLIC}${base}/channels/rest-api/${main.id}/messages`,
    });
    const listed = await t.http().get(`${base}/integrations`).set(auth).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(main.secret);
  });

  it("should run a user's messages as turns and POST the replies to webhook_url, signed and in order", async () => {
    const user = 'crm-user-1';
    const first = await post({
      user_id: user,
      message: 'hello',
      message_id: 'crm-msg-1',
      contact_name: 'Asha',
    }).expect(202);
    expect(first.body).toEqual({
      message_id: 'crm-msg-1',
      status: 'processed',
      conversation_id: expect.any(String),
    });
    const cid = first.body.conversation_id as string;
    const second = await post({ user_id: user, message: 'pizza' }).expect(202);
    expect(second.body).toMatchObject({ status: 'processed', conversation_id: cid });
    expect(second.body.message_id).toMatch(/^[0-9A-Z]{26}$/);
    await post({ user_id: user, message: 'Order', button_id: 'order' }).expect(202);

    await waitFor(() => deliveries(user).length === 3);
    expect(texts(user)).toEqual([
      ['Karibu!', 'Say order, agent or anything.'],
      ['You said: pizza', 'Anything else?'],
      ['Order placed.'],
    ]);
    const [hello] = deliveries(user);
    expect(hello).toEqual({
      id: expect.any(String),
      chatbot_id: chatbotId,
      integration_id: main.id,
      conversation_id: cid,
      user_id: user,
      messages: [
        { type: 'text', text: 'Karibu!' },
        { type: 'text', text: 'Say order, agent or anything.' },
      ],
      message_ids: [expect.any(String), expect.any(String)],
      created_at: expect.any(String),
    });
    for (const c of callsTo('/hooks/main', user)) {
      expect(c.method).toBe('POST');
      expect(c.headers['content-type']).toBe('application/json');
      expect(c.headers['user-agent']).toBe(USER_AGENT);
      expect(c.headers['x-sarufi-event-id']).toBe((JSON.parse(c.body) as Delivery).id);
      expect(signedWith(main.secret, c)).toBe(true);
      expect(signedWith('whsec_someone_else', c)).toBe(false);
    }
    // A tampered body fails the documented check.
    const c0 = callsTo('/hooks/main', user)[0];
    expect(
      verifyEventSignature(
        main.secret,
        c0.headers['x-sarufi-signature'] as string,
        c0.body.replace('Karibu', 'Kwaheri'),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(false);

    // The history: the user's messages (a button press as one), the replies sent, their ids.
    await settled();
    const items = await history(cid);
    expect(items.filter((m) => m.direction === 'inbound').map((m) => m.message)).toEqual([
      { type: 'text', text: 'hello' },
      { type: 'text', text: 'pizza' },
      { type: 'button', text: 'Order', button_id: 'order' },
    ]);
    const outbound = items.filter((m) => m.direction === 'outbound');
    expect(outbound.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(deliveries(user).flatMap((d) => d.message_ids)).toEqual(outbound.map((m) => m.id));
    const conversation = await t.http().get(`${base}/conversations/${cid}`).set(auth).expect(200);
    expect(conversation.body).toMatchObject({
      channel: 'rest-api',
      user_id: user,
      contact_name: 'Asha',
    });
  });

  it('should take a message_id once: the same one again is a duplicate and runs nothing', async () => {
    const user = 'crm-user-dup';
    const body = { user_id: user, message: 'hello', message_id: 'crm-dup-1' };
    const first = await post(body).expect(202);
    const again = await post(body).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({
      message_id: 'crm-dup-1',
      status: 'duplicate',
      conversation_id: first.body.conversation_id,
    });
    await waitFor(() => deliveries(user).length === 1);
    await settled();
    expect(deliveries(user)).toHaveLength(1);
    const items = await history(first.body.conversation_id as string);
    expect(items.filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('should process a message that arrives during an earlier one of its user after it, in order', async () => {
    const user = 'crm-user-queue';
    await post({ user_id: user, message: 'hi' }).expect(202);
    // Sent now, answered when its turn is done.
    const slowStatus = (async () => (await post({ user_id: user, message: 'slow' })).status)();
    // The slow turn is running (its API call waits 1.5 s): the next message waits for it.
    await waitFor(() => crm.calls.some((c) => c.url === '/slow'));
    const later = await post({ user_id: user, message: 'later' }).expect(202);
    expect(later.body).toMatchObject({ status: 'queued', conversation_id: null });
    expect(await slowStatus).toBe(202);
    await waitFor(() => deliveries(user).length === 3);
    expect(texts(user)).toEqual([
      ['Karibu!', 'Say order, agent or anything.'],
      ['Done, slowly.'],
      ['You said: later', 'Anything else?'],
    ]);
  });

  it('should try again after the receiver fails, with the same delivery id, and mark the messages sent', async () => {
    const user = 'crm-user-retry';
    let failures = 1;
    crm.respond((call) => {
      if (call.url === '/hooks/main' && (JSON.parse(call.body) as Delivery).user_id === user)
        return failures-- > 0 ? { status: 500, body: { error: 'down' } } : { status: 200 };
      return { status: 200, body: {} };
    });
    try {
      const res = await post({ user_id: user, message: 'hello' }).expect(202);
      await waitFor(() => callsTo('/hooks/main', user).length === 2, 20_000);
      const [failed, delivered] = callsTo('/hooks/main', user);
      // The same bytes again (signed anew): receivers dedupe by the id.
      expect(delivered.body).toBe(failed.body);
      expect(delivered.headers['x-sarufi-event-id']).toBe(failed.headers['x-sarufi-event-id']);
      expect(signedWith(main.secret, failed)).toBe(true);
      expect(signedWith(main.secret, delivered)).toBe(true);
      await settled();
      expect(callsTo('/hooks/main', user)).toHaveLength(2);
      const outbound = (await history(res.body.conversation_id as string)).filter(
        (m) => m.direction === 'outbound',
      );
      expect(outbound.map((m) => m.status)).toEqual(['sent', 'sent']);
    } finally {
      crm.respond((call) =>
        call.url === '/slow' ? { status: 200, body: {}, delayMs: 1500 } : { status: 200, body: {} },
      );
    }
  });

  it("should POST a person's reply to the webhook, and keep the bot quiet while a person has the conversation", async () => {
    const user = 'crm-user-agent';
    const res = await post({ user_id: user, message: 'hi' }).expect(202);
    const cid = res.body.conversation_id as string;
    await post({ user_id: user, message: 'agent' }).expect(202);
    const agentReply = await t
      .http()
      .post(`${base}/conversations/${cid}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text: 'Amina here.' }, agent: { id: 'a7', name: 'Amina' } })
      .expect(201);
    await waitFor(() => deliveries(user).length === 3);
    const human = deliveries(user)[2];
    expect(human).toMatchObject({
      conversation_id: cid,
      messages: [{ type: 'text', text: 'Amina here.' }],
      message_ids: [agentReply.body.id],
    });
    expect(signedWith(main.secret, callsTo('/hooks/main', user)[2])).toBe(true);

    // The user answers the person: taken, stored, and the bot says nothing.
    const quiet = await post({ user_id: user, message: 'my order is late' }).expect(202);
    expect(quiet.body).toMatchObject({ status: 'processed', conversation_id: cid });
    await settled();
    expect(texts(user)).toEqual([
      ['Karibu!', 'Say order, agent or anything.'],
      ['Connecting you to a person.'],
      ['Amina here.'],
    ]);
    const items = await history(cid);
    expect(items.find((m) => m.responder === 'HUMAN')).toMatchObject({ status: 'sent' });
    expect(items.at(-1)?.message).toEqual({ type: 'text', text: 'my order is late' });
  });

  it('should send an outbound message (a user id in E.164) to the webhook', async () => {
    const user = '+255700000123';
    const res = await t
      .http()
      .post(`${base}/outbound`)
      .set(auth)
      .send({ integration_id: main.id, to: user, state: 'reminder', variables: { day: 'Friday' } })
      .expect(202);
    await waitFor(() => deliveries(user).length === 1);
    expect(deliveries(user)[0]).toMatchObject({
      conversation_id: res.body.conversation_id,
      messages: [{ type: 'text', text: 'Reminder for Friday.' }],
    });
    // The user's answer continues that conversation.
    const answer = await post({ user_id: user, message: 'pizza' }).expect(202);
    expect(answer.body.conversation_id).toBe(res.body.conversation_id);
  });

  it('should keep one conversation per integration for the same user id', async () => {
    const other = await createIntegration(base, {
      name: 'crm-two',
      webhook_url: `${crm.url}/hooks/two`,
    }).expect(201);
    const a = await post({ user_id: 'shared-user', message: 'hi' }).expect(202);
    const b = await post({ user_id: 'shared-user', message: 'hi' }, other.body.id).expect(202);
    expect(b.body.conversation_id).not.toBe(a.body.conversation_id);
    await waitFor(() => deliveries('shared-user', '/hooks/two').length === 1);
    const call = callsTo('/hooks/two', 'shared-user')[0];
    expect(signedWith(other.body.webhook_secret as string, call)).toBe(true);
    expect(signedWith(main.secret, call)).toBe(false);
  });

  it.each([
    ['nothing', {}, ['user_id', 'message']],
    ['no message', { user_id: 'u' }, ['message']],
    ['no user', { message: 'hi' }, ['user_id']],
    ['an empty user id', { user_id: '', message: 'hi' }, ['user_id']],
    ['a user id of 257 characters', { user_id: 'u'.repeat(257), message: 'hi' }, ['user_id']],
    ['a number as user id', { user_id: 42, message: 'hi' }, ['user_id']],
    ['an empty message', { user_id: 'u', message: '' }, ['message']],
    ['4097 characters', { user_id: 'u', message: 'x'.repeat(4097) }, ['message']],
    [
      'message_type voice',
      { user_id: 'u', message: 'hi', message_type: 'voice' },
      ['message_type'],
    ],
    ['a number as button_id', { user_id: 'u', message: 'hi', button_id: 42 }, ['button_id']],
    [
      'a message_id with a space',
      { user_id: 'u', message: 'hi', message_id: 'a b' },
      ['message_id'],
    ],
    ['an empty contact_name', { user_id: 'u', message: 'hi', contact_name: '' }, ['contact_name']],
    ['an unknown field', { user_id: 'u', message: 'hi', mood: 'happy' }, ['mood']],
  ])('should refuse %s with 400 and the paths', async (_label, body, paths) => {
    const res = await post(body).expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort());
  });

  it('should accept exactly 4096 characters and 256-character ids', async () => {
    await post({ user_id: 'v'.repeat(256), message: 'y'.repeat(4096) }).expect(202);
  });

  it('should refuse bad integration fields with 400 and their paths', async () => {
    const paths = async (body: Record<string, unknown>) =>
      (await createIntegration(base, body).expect(400)).body.errors.map(
        (e: { path: string }) => e.path,
      );
    expect(await paths({ name: 'x' })).toEqual(['webhook_url']);
    expect(await paths({ name: 'x', webhook_url: 'ftp://crm.example/x' })).toEqual(['webhook_url']);
    expect(await paths({ name: 'x', webhook_url: 'https://u:p@crm.example/x' })).toEqual([
      'webhook_url',
    ]);
    expect(
      await paths({ name: 'x', webhook_url: 'https://crm.example/x', webhook_secret: 'mine' }),
    ).toEqual(['webhook_secret']);
    const patched = await t
      .http()
      .patch(`${base}/integrations/${main.id}`)
      .set(auth)
      .send({ webhook_url: 'nope', webhook_secret: 'whsec_mine', colour: 'blue' })
      .expect(400);
    expect(patched.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'colour',
      'webhook_url',
    ]);
    const secret = await t
      .http()
      .patch(`${base}/integrations/${main.id}`)
      .set(auth)
      .send({ webhook_secret: 'whsec_mine' })
      .expect(400);
    expect(secret.body.errors).toEqual([
      {
        path: 'webhook_secret',
        message:
          'webhook_secret is made by the server; send "rotate_webhook_secret": true for a new one.',
      },
    ]);
    expect(JSON.stringify(secret.body)).not.toContain(main.secret);
  });

  it("should answer 404 for an unknown integration, another chatbot's, or one of another type", async () => {
    const msg = { user_id: 'u', message: 'hi' };
    await post(msg, '01JAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    await post(msg, 'not-an-id').expect(404);
    const otherBot = await publishedBot(t, auth, flowFor(crm.url));
    const theirs = await createIntegration(otherBot.base, {
      name: 'crm',
      webhook_url: `${crm.url}/hooks/other`,
    }).expect(201);
    const res = await post(msg, theirs.body.id as string).expect(404);
    expect(res.body.detail).toBe('Integration not found');
    await post(msg, theirs.body.id as string, otherBot.base).expect(202);
    const web = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({ type: 'web', name: 'site', allowed_origins: ['https://shop.example'] })
      .expect(201);
    await post(msg, web.body.id as string).expect(404);
    // Another workspace's key does not see the chatbot at all.
    const stranger = (await t.newWorkspace()).auth;
    await t
      .http()
      .post(`${base}/channels/rest-api/${main.id}/messages`)
      .set(stranger)
      .send(msg)
      .expect(404);
    await t.http().post(`${base}/channels/rest-api/${main.id}/messages`).send(msg).expect(401);
  });

  it('should answer 400 without a published flow, keeping nothing: the same message_id may come again', async () => {
    const bot = await t.http().post('/api/dev/v1/chatbots').set(auth).send({ name: 'draft-bot' });
    const draftBase = `/api/dev/v1/chatbots/${bot.body.id}`;
    const integration = await createIntegration(draftBase, {
      name: 'crm',
      webhook_url: `${crm.url}/hooks/draft`,
    }).expect(201);
    const body = { user_id: 'u', message: 'hi', message_id: 'draft-1' };
    for (let i = 0; i < 2; i++) {
      const res = await post(body, integration.body.id as string, draftBase).expect(400);
      expect(res.body.detail).toBe('No published flow found for this chatbot');
    }
  });

  it('should sign with a rotated secret from the next delivery on, shown once', async () => {
    const created = await createIntegration(base, {
      name: 'crm-rotate',
      webhook_url: `${crm.url}/hooks/rotate`,
    }).expect(201);
    const id = created.body.id as string;
    const old = created.body.webhook_secret as string;
    await post({ user_id: 'rot-user', message: 'hi' }, id).expect(202);
    await waitFor(() => deliveries('rot-user', '/hooks/rotate').length === 1);
    expect(signedWith(old, callsTo('/hooks/rotate', 'rot-user')[0])).toBe(true);

    const rotated = await t
      .http()
      .patch(`${base}/integrations/${id}`)
      .set(auth)
      .send({ rotate_webhook_secret: true })
      .expect(200);
    const fresh = rotated.body.webhook_secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    // Sent back as shown, or renamed: the secret stays, and is not shown again.
    const kept = await t
      .http()
      .patch(`${base}/integrations/${id}`)
      .set(auth)
      .send({ ...rotated.body, webhook_secret: '***', webhook_url: `${crm.url}/hooks/rotate` })
      .expect(200);
    expect(kept.body.webhook_secret).toBe('***');
    const got = await t.http().get(`${base}/integrations/${id}`).set(auth).expect(200);
    expect(got.body.webhook_secret).toBe('***');

    await post({ user_id: 'rot-user', message: 'again' }, id).expect(202);
    await waitFor(() => deliveries('rot-user', '/hooks/rotate').length === 2);
    const second = callsTo('/hooks/rotate', 'rot-user')[1];
    expect(signedWith(fresh, second)).toBe(true);
    expect(signedWith(old, second)).toBe(false);
  });

  it('should not POST to a private address, and mark the messages failed', async () => {
    const blocked = await createIntegration(base, {
      name: 'crm-private',
      webhook_url: 'http://10.255.255.1/hooks',
    }).expect(201);
    const res = await post({ user_id: 'ssrf-user', message: 'hi' }, blocked.body.id).expect(202);
    const outbound = await waitFor(async () => {
      const items = (await history(res.body.conversation_id as string)).filter(
        (m) => m.direction === 'outbound',
      );
      return items.every((m) => m.status === 'failed') && items;
    });
    expect(outbound.map((m) => m.error?.code)).toEqual(['blocked_address', 'blocked_address']);
  });
});

describe('The rest-api channel: a message whose session stays busy', () => {
  let t: TestApp;
  let crm: Backend;
  let auth: Record<string, string>;
  let base: string;
  let integrationId: string;
  /** Answers the held API call (/hold) when the test says so. */
  let release: () => void = () => undefined;

  const flow = (backendUrl: string) => ({
    start: 'menu',
    states: {
      menu: { message: 'Karibu!', input: { save_to: 'said' }, transitions: { default: 'echo' } },
      echo: {
        message: 'You said: {{said}}',
        input: { save_to: 'said' },
        transitions: { default: 'echo' },
      },
      // Entered by an outbound message: its API call holds the session's lease until answered.
      hold: {
        actions: [
          {
            type: 'API_CALL',
            url: `${backendUrl}/hold`,
            method: 'POST',
            body: {},
            timeout_ms: 120_000,
            save_to: 'r',
            success_transition: 'held',
            failure_transition: 'held',
          },
        ],
      },
      held: { message: 'Held.', input: { save_to: 'said' }, transitions: { default: 'echo' } },
    },
  });

  beforeAll(async () => {
    crm = await startBackend();
    const held = new Promise<void>((resolve) => (release = resolve));
    crm.respond((call) =>
      call.url === '/hold' ? { status: 200, body: {}, until: held } : { status: 200, body: {} },
    );
    // A request waits 1 s for a busy session (TURN_WAIT_MS) before the inbox takes over.
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC,
      OUTBOX_POLL_MS: '100',
      TURN_WAIT_MS: '1000',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base } = await publishedBot(t, auth, flow(crm.url)));
    const res = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({ type: 'rest-api', name: 'crm', webhook_url: `${crm.url}/hooks` })
      .expect(201);
    integrationId = res.body.id as string;
  });

  afterAll(async () => {
    release();
    await t.close();
    await crm.close();
  });

  const post = (body: Record<string, unknown>) =>
    t.http().post(`${base}/channels/rest-api/${integrationId}/messages`).set(auth).send(body);
  const texts = (userId: string) =>
    crm.calls
      .filter((c) => c.url === '/hooks')
      .map((c) => JSON.parse(c.body) as Delivery)
      .filter((d) => d.user_id === userId)
      .map((d) => d.messages.map((m) => m.text));

  it('should keep it for the inbox (queued), so a retry told "duplicate" meanwhile was told the truth, and run it before later ones', async () => {
    const user = '+255700000777';
    // The business writes first; the state's API call holds the user's session.
    const outbound = t
      .http()
      .post(`${base}/outbound`)
      .set(auth)
      .send({ integration_id: integrationId, to: user, state: 'hold' })
      .then((r) => r);
    await waitFor(() => crm.calls.some((c) => c.url === '/hold'));

    const first = post({ user_id: user, message: 'lost-1', message_id: 'lost-1' }).then((r) => r);
    await waitFor(
      async () =>
        (await t.db.query(`SELECT 1 FROM inbox_events WHERE provider_message_id = 'lost-1'`))
          .length > 0,
    );
    // The client retries while the first request waits for the session.
    const retry = await post({ user_id: user, message: 'lost-1', message_id: 'lost-1' });
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ message_id: 'lost-1', status: 'duplicate' });
    const next = await post({ user_id: user, message: 'next-2', message_id: 'next-2' });
    expect(next.status).toBe(202);
    expect(next.body).toEqual({ message_id: 'next-2', status: 'queued', conversation_id: null });

    // The session stayed busy past TURN_WAIT_MS: kept and queued, not a 503 that forgets the id.
    const answered = await first;
    expect(answered.status).toBe(202);
    expect(answered.body).toEqual({
      message_id: 'lost-1',
      status: 'queued',
      conversation_id: null,
    });

    release();
    expect((await outbound).status).toBe(202);
    await waitFor(() => texts(user).length === 3, 30_000);
    expect(texts(user)).toEqual([['Held.'], ['You said: lost-1'], ['You said: next-2']]);
    const events = await t.db.query(
      `SELECT provider_message_id, status FROM inbox_events
        WHERE provider_message_id IN ('lost-1', 'next-2') ORDER BY seq`,
    );
    expect(events).toEqual([
      { provider_message_id: 'lost-1', status: 'done' },
      { provider_message_id: 'next-2', status: 'done' },
    ]);
  });
});
