import { requestHash } from '../src/agents/outbound.service';
import { OutboxDispatcher } from '../src/outbox/outbox-dispatcher';
import { startBackend, type Backend } from './support/backend';
import { publishedBot } from './support/flows';
import { startGraphApiStub, type GraphApiStub } from './support/graph-api-stub';
import { africasTalkingAccepted, formOf } from './support/sms-provider-answers';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import {
  signedPost,
  waButtonReply,
  waEnvelope,
  waLegacyButton,
  waText,
} from './support/whatsapp-webhooks';

const APP_SECRET = 'meta-app-secret-for-tests';
const ACCESS_TOKEN = 'EAAtest-access-token-0123456789';

/** An appointment reminder the business sends first; the user's tap continues the flow. */
const flow = {
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu! Say anything.',
      input: { save_to: 'q' },
      transitions: { default: 'menu' },
    },
    reminder: {
      message: 'Reminder: your appointment is on {{day}}. Confirm?',
      buttons: [
        { id: 'confirm', title: 'Confirm' },
        { id: 'cancel', title: 'Cancel' },
      ],
      transitions: { confirm: 'confirmed', cancel: 'cancelled' },
    },
    confirmed: { message: 'See you on {{day}}!', end: true },
    cancelled: { message: 'Cancelled.', end: true },
  },
};

describe('Outbound: the business writes first', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let base: string;
  let graph: GraphApiStub;
  let sms: Backend;
  let smsId: string;
  let smsPath: string;
  let waId: string;
  let waPath: string;
  const pnid = '300001';

  beforeAll(async () => {
    graph = await startGraphApiStub({ accessToken: ACCESS_TOKEN });
    sms = await startBackend();
    let n = 0;
    sms.respond((call) => africasTalkingAccepted(call, `ATXid_ob_${++n}`));
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: 'https://gw.example.com',
      OUTBOX_POLL_MS: '200',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base } = await publishedBot(t, auth, flow));
    const smsRecord = await t.http().post(`${base}/integrations`).set(auth).send({
      type: 'sms',
      name: 'at',
      provider: 'africastalking',
      api_base: sms.url,
      username: 'sandbox',
      api_key: 'at-key-0123456789',
      sender_id: 'DUKA',
    });
    if (smsRecord.status !== 201) throw new Error(JSON.stringify(smsRecord.body));
    smsId = smsRecord.body.id;
    smsPath = new URL(smsRecord.body.webhook_url as string).pathname;
    const wa = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({
        type: 'whatsapp',
        name: 'wa',
        phone_number_id: pnid,
        access_token: ACCESS_TOKEN,
        app_secret: APP_SECRET,
        verify_token: 'verify-me',
        graph_api_base: graph.url,
      })
      .expect(201);
    waId = wa.body.id;
    waPath = new URL(wa.body.webhook_url).pathname;
  });

  afterAll(async () => {
    await t.close();
    await graph.close();
    await sms.close();
  });

  const outbound = (body: object, key?: string) => {
    const req = t.http().post(`${base}/outbound`).set(auth);
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const smsTo = (to: string) => sms.calls.filter((c) => formOf(c).to === to);

  it('opens an SMS session at the named state, with its variables, and sends that state as text', async () => {
    const to = '+255720000001';
    const r = await outbound({
      integration_id: smsId,
      to,
      state: 'reminder',
      variables: { day: 'Friday' },
    }).expect(202);
    expect(r.body).toMatchObject({ status: 'ACTIVE', current_state: 'reminder' });
    await waitFor(() => smsTo(to).length === 1);
    expect(formOf(smsTo(to)[0]).message).toBe(
      'Reminder: your appointment is on Friday. Confirm?\n1. Confirm\n2. Cancel',
    );
    const history = await t
      .http()
      .get(`${base}/conversations/${r.body.conversation_id}/messages`)
      .set(auth)
      .expect(200);
    expect(history.body.items[0]).toMatchObject({ responder: 'BOT', direction: 'outbound' });
    // The user answers the menu by its number, and a person can reply through the same number.
    await t
      .http()
      .post(smsPath)
      .type('form')
      .send({ from: to, to: 'DUKA', text: '1', id: `ATin_${to}`, date: new Date().toISOString() })
      .expect(200);
    await waitFor(() => smsTo(to).length === 2);
    expect(formOf(smsTo(to)[1]).message).toBe('See you on Friday!');
  });

  it('lets a person reply after a message the business sent first', async () => {
    const to = '+255720000030';
    const r = await outbound({
      integration_id: smsId,
      to,
      message: { type: 'text', text: 'Reminder' },
    }).expect(202);
    await waitFor(() => smsTo(to).length === 1);
    await t
      .http()
      .post(`${base}/conversations/${r.body.conversation_id as string}/messages`)
      .set(auth)
      .send({ message: { type: 'text', text: 'A person here.' } })
      .expect(201);
    await waitFor(() => smsTo(to).length === 2);
    expect(formOf(smsTo(to)[1]).message).toBe('A person here.');
  });

  it('sends once for the same Idempotency-Key, answering the first result again', async () => {
    const to = '+255720000002';
    const body = { integration_id: smsId, to, state: 'reminder', variables: { day: 'Monday' } };
    const first = await outbound(body, 'reminder-42').expect(202);
    const again = await outbound(body, 'reminder-42').expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await outbound({ ...body, to: '+255720000003' }, 'reminder-42').expect(409);
    expect(other.body.detail).toMatch(/another request/);
    await waitFor(() => smsTo(to).length === 1);
    await new Promise((r) => setTimeout(r, 400));
    expect(smsTo(to)).toHaveLength(1);
  });

  it('refuses WhatsApp outside the 24-hour window (409), sending and storing nothing', async () => {
    const to = '+255720000004';
    const r = await outbound({
      integration_id: waId,
      to,
      state: 'reminder',
      variables: { day: 'Sunday' },
    }).expect(409);
    expect(r.body.detail).toMatch(/24-hour window/);
    const rows = await t.db.query(
      `SELECT count(*)::int AS n FROM conversations WHERE user_id = $1`,
      [to],
    );
    expect(rows[0].n).toBe(0);
    expect(
      graph.sends().filter((s) => (s.body as { to?: string }).to === to.slice(1)),
    ).toHaveLength(0);
  });

  it('reaches a WhatsApp user outside the window with a template, and the quick-reply tap continues the flow', async () => {
    const to = '+255720000012';
    const template = {
      name: 'appointment_reminder',
      language: 'en',
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sunday' }] }],
    };
    const r = await outbound({
      integration_id: waId,
      to,
      state: 'reminder',
      variables: { day: 'Sunday' },
      template,
    }).expect(202);
    expect(r.body.messages).toEqual([{ type: 'template', ...template }]);
    const sent = () => graph.sends().filter((s) => (s.body as { to?: string }).to === to.slice(1));
    await waitFor(() => sent().length === 1);
    expect(sent()[0].body).toMatchObject({
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'en' },
        components: template.components,
      },
    });
    const { raw, headers } = signedPost(
      APP_SECRET,
      waEnvelope(waLegacyButton(pnid, to, 'wamid.ob.tpl', 'confirm', 'Confirm')),
    );
    await t.http().post(waPath).set(headers).send(raw.toString()).expect(200);
    await waitFor(() => sent().length === 2);
    expect((sent()[1].body as { text?: { body: string } }).text?.body).toBe('See you on Sunday!');
  });

  it('refuses a template on SMS, and a template with a message', async () => {
    const template = { name: 'appointment_reminder', language: 'en' };
    const sms = await outbound({
      integration_id: smsId,
      to: '+255720000013',
      state: 'reminder',
      template,
    }).expect(400);
    expect(sms.body.errors[0].path).toBe('template');
    const both = await outbound({
      integration_id: waId,
      to: '+255720000013',
      state: 'reminder',
      template,
      message: { type: 'text', text: 'x' },
    }).expect(400);
    expect(both.body.errors[0].path).toBe('template');
  });

  it('moves an open WhatsApp session to the state inside the window, and the tap continues', async () => {
    const to = '+255720000005';
    const post = (...changes: Parameters<typeof waEnvelope>) => {
      const { raw, headers } = signedPost(APP_SECRET, waEnvelope(...changes));
      return t.http().post(waPath).set(headers).send(raw.toString());
    };
    await post(waText(pnid, to, 'wamid.ob.1', 'Hi')).expect(200);
    const sent = () => graph.sends().filter((s) => (s.body as { to?: string }).to === to.slice(1));
    await waitFor(() => sent().length === 1);
    const r = await outbound({
      integration_id: waId,
      to,
      state: 'reminder',
      variables: { day: 'Tuesday' },
    }).expect(202);
    expect(r.body.current_state).toBe('reminder');
    await waitFor(() => sent().length === 2);
    expect(sent()[1].body).toMatchObject({ type: 'interactive' });
    await post(waButtonReply(pnid, to, 'wamid.ob.2', 'confirm', 'Confirm')).expect(200);
    await waitFor(() => sent().length === 3);
    expect((sent()[2].body as { text?: { body: string } }).text?.body).toBe('See you on Tuesday!');
  });

  it('sends a message of its own in place of the state’s', async () => {
    const to = '+255720000006';
    await outbound({
      integration_id: smsId,
      to,
      state: 'reminder',
      variables: { day: 'Friday' },
      message: { type: 'text', text: 'Reply 1 to confirm Friday, 2 to cancel.' },
    }).expect(202);
    await waitFor(() => smsTo(to).length === 1);
    expect(formOf(smsTo(to)[0]).message).toBe('Reply 1 to confirm Friday, 2 to cancel.');
  });

  it('sends a message without moving an open session, or opens a new one at the start', async () => {
    const to = '+255720000020';
    const opened = await outbound({
      integration_id: smsId,
      to,
      state: 'reminder',
      variables: { day: 'Monday' },
    }).expect(202);
    await waitFor(() => smsTo(to).length === 1);
    const note = await outbound({
      integration_id: smsId,
      to,
      message: { type: 'text', text: 'The clinic opens at 9.' },
    }).expect(202);
    expect(note.body).toMatchObject({
      conversation_id: opened.body.conversation_id,
      current_state: 'reminder',
      messages: [{ type: 'text', text: 'The clinic opens at 9.' }],
    });
    await waitFor(() => smsTo(to).length === 2);
    expect(formOf(smsTo(to)[1]).message).toBe('The clinic opens at 9.');

    const fresh = '+255720000021';
    const started = await outbound({
      integration_id: smsId,
      to: fresh,
      message: { type: 'text', text: 'Welcome to the clinic.' },
    }).expect(202);
    expect(started.body).toMatchObject({
      current_state: 'menu',
      messages: [{ text: 'Welcome to the clinic.' }],
    });

    const nothing = await outbound({ integration_id: smsId, to: fresh }).expect(400);
    expect(nothing.body.errors[0].path).toBe('state');
  });

  it('refuses an opted-out number, USSD, a state the flow lacks and bad fields', async () => {
    const to = '+255720000007';
    await t
      .http()
      .post(`${base}/opt-outs`)
      .set(auth)
      .send({ channel: 'sms', user_id: to })
      .expect(201);
    const opted = await outbound({ integration_id: smsId, to, state: 'reminder' }).expect(409);
    expect(opted.body.detail).toMatch(/opted out/);

    const ussd = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({ type: 'ussd', name: 'ussd', service_code: '*150*88#' })
      .expect(201);
    const refused = await outbound({
      integration_id: ussd.body.id,
      to: '+255720000008',
      state: 'reminder',
    }).expect(409);
    expect(refused.body.detail).toMatch(/ussd/);

    const missing = await outbound({
      integration_id: smsId,
      to: '+255720000009',
      state: 'nowhere',
    }).expect(400);
    expect(missing.body.errors[0].path).toBe('state');
    const none = await t.db.query(
      `SELECT count(*)::int AS n FROM conversations WHERE user_id = '+255720000009'`,
    );
    expect(none[0].n).toBe(0);

    const bad = await outbound({ integration_id: 'x', to: '0712', state: 'reminder' }).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'integration_id',
      'to',
    ]);
    await outbound({
      integration_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      to: '+255720000010',
      state: 'reminder',
    }).expect(404);
  });

  it('does not talk over a person who has the conversation', async () => {
    const to = '+255720000011';
    const r = await outbound({ integration_id: smsId, to, state: 'menu' }).expect(202);
    await t
      .http()
      .post(`${base}/conversations/${r.body.conversation_id}/handoff`)
      .set(auth)
      .expect(200);
    const busy = await outbound({ integration_id: smsId, to, state: 'reminder' }).expect(409);
    expect(busy.body.detail).toMatch(/a person has it/);
  });
});

describe('Outbound: an Idempotency-Key whose request died', () => {
  let t: TestApp;
  /** The business's backend: the rest-api webhook (/hooks) and the flow's API (/hold). */
  let crm: Backend;
  let auth: Record<string, string>;
  let base: string;
  let chatbotId: string;
  let integrationId: string;
  /** Answers the flow's API call (/hold) when the test says so. */
  let release: () => void = () => undefined;

  const flow = (backendUrl: string) => ({
    start: 'menu',
    states: {
      // A session's first turn waits on this call: the request that opens one runs until then.
      menu: {
        actions: [
          {
            type: 'API_CALL',
            url: `${backendUrl}/hold`,
            method: 'POST',
            body: {},
            timeout_ms: 120_000,
            save_to: 'r',
            success_transition: 'ready',
            failure_transition: 'ready',
          },
        ],
      },
      ready: { message: 'Karibu!', input: { save_to: 'said' }, transitions: { default: 'ready' } },
      reminder: {
        message: 'Reminder for {{day}}.',
        input: { save_to: 'said' },
        transitions: { default: 'ready' },
      },
    },
  });

  beforeAll(async () => {
    crm = await startBackend();
    const held = new Promise<void>((resolve) => (release = resolve));
    crm.respond((call) => (call.url === '/hold' ? { until: held } : { status: 200 }));
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: 'https://gw.example.com',
      OUTBOX_POLL_MS: '100',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, flow(crm.url)));
    const integration = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({ type: 'rest-api', name: 'crm', webhook_url: `${crm.url}/hooks` })
      .expect(201);
    integrationId = integration.body.id as string;
  });

  afterAll(async () => {
    release();
    await t.close();
    await crm.close();
  });

  const outbound = (body: object, key: string) =>
    t.http().post(`${base}/outbound`).set(auth).set('Idempotency-Key', key).send(body);
  const sql = (query: string, params: unknown[] = []) =>
    t.db.query<Array<Record<string, unknown>>>(query, params);
  const texts = (to: string) =>
    crm.calls
      .filter((c) => c.url === '/hooks')
      .map((c) => JSON.parse(c.body) as { user_id: string; messages: Array<{ text?: string }> })
      .filter((d) => d.user_id === to)
      .map((d) => d.messages.map((m) => m.text));
  const settled = () => t.handle.app.get(OutboxDispatcher).idle();

  it('is still running while its claim holds, then a retry takes the key over and sends once', async () => {
    const to = '+255700000901';
    const body = {
      integration_id: integrationId,
      to,
      state: 'reminder',
      variables: { day: 'Fri' },
    };
    // The claim of a request whose server was killed, as that server last renewed it.
    await sql(
      `INSERT INTO outbound_requests (chatbot_id, idempotency_key, request_hash, owner, locked_until)
       VALUES ($1, 'died-1', $2, 'a-server-that-died', now() + interval '1 hour')`,
      [chatbotId, requestHash(body)],
    );
    const running = await outbound(body, 'died-1').expect(409);
    expect(running.body.detail).toBe('A request with this Idempotency-Key is still running.');
    expect(running.headers['retry-after']).toBe('1');

    // The claim ran out: nobody renews it.
    await sql(
      `UPDATE outbound_requests SET locked_until = now() - interval '1 second'
        WHERE idempotency_key = 'died-1'`,
    );
    const other = await outbound({ ...body, variables: { day: 'Mon' } }, 'died-1').expect(409);
    expect(other.body.detail).toMatch(/another request/);
    const taken = await outbound(body, 'died-1').expect(202);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();
    expect(taken.body).toMatchObject({
      current_state: 'reminder',
      messages: [{ type: 'text', text: 'Reminder for Fri.' }],
    });
    const again = await outbound(body, 'died-1').expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(taken.body);
    await waitFor(() => texts(to).length === 1);
    await settled();
    expect(texts(to)).toEqual([['Reminder for Fri.']]);
  });

  it('lets only the holder of the key commit: a request whose claim a retry took over sends nothing, and the retry starts the session it left unwritten', async () => {
    const to = '+255700000902';
    const body = { integration_id: integrationId, to, message: { type: 'text', text: 'Hello.' } };
    const holds = () => crm.calls.filter((c) => c.url === '/hold').length;
    const before = holds();
    // The first request opens the user's session; its turn waits on the flow's API call.
    const first = outbound(body, 'taken-1').then((r) => r);
    await waitFor(() => holds() === before + 1);
    const running = await outbound(body, 'taken-1').expect(409);
    expect(running.headers['retry-after']).toBe('1');

    // Its claim runs out, as when its renewals stop (another owner's name keeps its own
    // renewals off the row), and a retry takes the key over and waits for the session.
    await sql(
      `UPDATE outbound_requests SET owner = 'a-server-that-died', locked_until = now() - interval '1 second'
        WHERE idempotency_key = 'taken-1'`,
    );
    const second = outbound(body, 'taken-1').then((r) => r);
    await waitFor(
      async () =>
        (await sql(`SELECT owner FROM outbound_requests WHERE idempotency_key = 'taken-1'`))[0]
          .owner !== 'a-server-that-died',
    );
    release();

    const [lost, won] = await Promise.all([first, second]);
    expect(lost.status).toBe(409);
    expect(lost.body.detail).toMatch(/took this request over/);
    expect(won.status).toBe(202);
    expect(won.body).toMatchObject({
      status: 'ACTIVE',
      current_state: 'ready',
      messages: [{ type: 'text', text: 'Hello.' }],
    });
    await waitFor(() => texts(to).length === 1);
    await settled();
    expect(texts(to)).toEqual([['Hello.']]);
    // One conversation: the one the first request opened, started by the retry at the start.
    expect(
      await sql(
        `SELECT c.id, c.current_state, count(m.id)::int AS messages
           FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
          WHERE c.user_id = $1 GROUP BY c.id`,
        [to],
      ),
    ).toEqual([{ id: won.body.conversation_id, current_state: 'ready', messages: 1 }]);
    const again = await outbound(body, 'taken-1').expect(202);
    expect(again.body).toEqual(won.body);
  });
});
