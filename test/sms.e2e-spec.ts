import { twilioSignature } from '../src/channels/sms/providers/twilio.provider';
import { startBackend, type Backend, type RecordedCall } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const PUBLIC = 'https://gw.example.com';

const shopFlow = (backendUrl: string) => ({
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu Duka! Reply with a number.',
      buttons: [
        { id: 'balance', title: 'Balance' },
        { id: 'help', title: 'Help' },
      ],
      transitions: { balance: 'ask_account', help: 'help' },
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
    help: { message: 'Call 100 & ask for "Duka" <any time>.', transitions: { always: 'menu' } },
  },
});

const formOf = (call: RecordedCall) => Object.fromEntries(new URLSearchParams(call.body));

describe('SMS channel', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let backend: Backend;
  /** The stub of the providers' send APIs: Africa's Talking, Twilio and Beem paths. */
  let providers: Backend;
  let base: string;
  let chatbotId: string;
  let failNext = 0;
  let sent = 0;
  /** The sends the stub accepted (it records failed attempts in `providers.calls` too). */
  const accepted: RecordedCall[] = [];

  beforeAll(async () => {
    backend = await startBackend();
    backend.respond(() => ({ status: 200, body: { amount: 5000 } }));
    providers = await startBackend();
    providers.respond((call) => {
      if (failNext > 0) {
        failNext--;
        return { status: 500, body: { error: 'try later' } };
      }
      sent++;
      accepted.push(call);
      if (call.url === '/version1/messaging')
        return {
          status: 201,
          body: {
            SMSMessageData: {
              Message: 'Sent to 1/1 Total Cost: TZS 20.0000',
              Recipients: [
                {
                  statusCode: 101,
                  number: formOf(call).to,
                  status: 'Success',
                  cost: 'TZS 20.0000',
                  messageId: `ATXid_out_${sent}`,
                },
              ],
            },
          },
        };
      if (call.url === '/v1/send')
        return {
          status: 200,
          body: { successful: true, request_id: 9000 + sent, code: 100, valid: 1, invalid: 0 },
        };
      if (call.url.endsWith('/Messages.json'))
        return { status: 201, body: { sid: `SM${sent}`, status: 'queued' } };
      return { status: 404, body: {} };
    });
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC,
      OUTBOX_POLL_MS: '200',
    });
    auth = (await t.newWorkspace()).auth;
    ({ base, chatbotId } = await publishedBot(t, auth, shopFlow(backend.url)));
  });
  afterAll(async () => {
    await t.close();
    await backend.close();
    await providers.close();
  });

  async function smsIntegration(fields: Record<string, unknown>) {
    const res = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({
        type: 'sms',
        name: `sms-${Math.random().toString(36).slice(2)}`,
        api_base: providers.url,
        ...fields,
      });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { record: res.body, path: new URL(res.body.webhook_url as string).pathname };
  }

  const at = () =>
    smsIntegration({
      provider: 'africastalking',
      username: 'duka',
      api_key: 'atsk_x',
      sender_id: 'DUKA',
    });

  let ids = 0;
  const atInbound = (
    path: string,
    from: string,
    text: string,
    extra: Record<string, string> = {},
  ) =>
    t
      .http()
      .post(path)
      .type('form')
      .send({
        from,
        to: '15055',
        text,
        date: '2026-12-05 10:00:00',
        id: `ATXid_in_${++ids}`,
        ...extra,
      });

  /** The texts the stub got for one number, in order. */
  const sentTo = (number: string) =>
    accepted
      .filter((c) => c.url === '/version1/messaging' && formOf(c).to === number)
      .map((c) => formOf(c).message);

  const messagesOf = async (userId: string) => {
    const [row] = await t.db.query<Array<{ id: string }>>(
      `SELECT id FROM conversations WHERE chatbot_id = $1 AND channel = 'sms' AND user_id = $2`,
      [chatbotId, userId],
    );
    const res = await t
      .http()
      .get(`${base}/conversations/${row.id}/messages`)
      .set(auth)
      .expect(200);
    return res.body.items as Array<{
      direction: string;
      message: { text?: string };
      status?: string;
      error?: { code: string };
      segments?: number;
    }>;
  };

  it("should hold an Africa's Talking conversation: numbered choice, input, API_CALL", async () => {
    const { path, record } = await at();
    expect(record).toMatchObject({ provider: 'africastalking', api_key: '***', username: 'duka' });
    const number = '+255700000101';
    expect((await atInbound(path, number, 'Hi')).status).toBe(200);
    await waitFor(() => sentTo(number).length === 1);
    expect(sentTo(number)[0]).toBe('Karibu Duka! Reply with a number.\n1. Balance\n2. Help');
    const first = providers.calls.find((c) => formOf(c).to === number)!;
    expect(first.headers.apikey).toBe('atsk_x');
    expect(formOf(first)).toMatchObject({ username: 'duka', from: 'DUKA' });

    await atInbound(path, number, '1');
    await waitFor(() => sentTo(number).length === 2);
    expect(sentTo(number)[1]).toBe('Your 4-digit account number?');
    await atInbound(path, number, '4321');
    await waitFor(() => sentTo(number).length === 3);
    expect(sentTo(number)[2]).toBe(
      'Balance: 5000 TZS.\nKaribu Duka! Reply with a number.\n1. Balance\n2. Help',
    );
    const call = backend.calls.find((c) => c.url === '/balance/4321')!;
    expect(call.headers['x-sarufi-channel']).toBe('sms');
    expect(call.headers['x-sarufi-user-id']).toBe(number);

    const messages = await waitFor(async () => {
      const m = await messagesOf(number);
      return m.filter((x) => x.direction === 'outbound').every((x) => x.status === 'sent') && m;
    });
    const outbound = messages.filter((m) => m.direction === 'outbound');
    expect(outbound[0]).toMatchObject({ status: 'sent', segments: 1 });
  });

  it('should take a duplicate inbound once, and apply delivery reports (unknown ids ignored)', async () => {
    const { path } = await at();
    const number = '+255700000102';
    const same = { from: number, to: '15055', text: 'Hi', date: '2026-12-05', id: 'ATXid_dup' };
    const [a, b] = await Promise.all([
      t.http().post(path).type('form').send(same),
      t.http().post(path).type('form').send(same),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await waitFor(() => sentTo(number).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(number)).toHaveLength(1);

    const [out] = (await messagesOf(number)).filter((m) => m.direction === 'outbound');
    expect(out.status).toBe('sent');
    const [{ provider_message_id: providerId }] = await t.db.query<
      Array<{ provider_message_id: string }>
    >(
      `SELECT m.provider_message_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.user_id = $1 AND m.direction = 'outbound'`,
      [number],
    );
    await t.http().post(path).type('form').send({ id: providerId, status: 'Success' }).expect(200);
    await waitFor(async () => (await messagesOf(number)).some((m) => m.status === 'delivered'));
    await t
      .http()
      .post(path)
      .type('form')
      .send({ id: 'ATXid_never', status: 'Failed' })
      .expect(200);
    const metrics = await waitFor(async () => {
      const m = (await t.http().get('/metrics')).text;
      return /delivery_reports_total\{channel="sms",outcome="unknown_id"\} 1/.test(m) && m;
    });
    expect(metrics).toMatch(/sms_inbound_total\{provider="africastalking",outcome="duplicate"\} 1/);
  });

  it("should answer a number's messages in the order they came, while one is slow", async () => {
    const { path } = await at();
    const number = '+255700000111';
    await atInbound(path, number, 'Hi');
    await atInbound(path, number, '1');
    await waitFor(() => sentTo(number).length === 2);
    backend.respond(() => ({ status: 200, body: { amount: 7 }, delayMs: 400 }));
    try {
      await atInbound(path, number, '4321');
      await atInbound(path, number, '2');
      await waitFor(() => sentTo(number).length === 4);
    } finally {
      backend.respond(() => ({ status: 200, body: { amount: 5000 } }));
    }
    expect(sentTo(number)[2]).toMatch(/^Balance: 7 TZS\./);
    expect(sentTo(number)[3]).toMatch(/^Call 100/);
  });

  it('should retry a failing send, then record it sent', async () => {
    const { path } = await at();
    const number = '+255700000103';
    failNext = 2;
    await atInbound(path, number, 'Hi');
    await waitFor(() => sentTo(number).length === 1, 20_000);
    const attempts = providers.calls.filter((c) => formOf(c).to === number);
    expect(attempts.length).toBe(3);
    await waitFor(async () =>
      (await messagesOf(number)).some((m) => m.direction === 'outbound' && m.status === 'sent'),
    );
  });

  it('should stop sending after STOP (one confirmation), and start again after START', async () => {
    const { path } = await at();
    const number = '+255700000104';
    await atInbound(path, number, 'Hi');
    await waitFor(() => sentTo(number).length === 1);
    await atInbound(path, number, 'stop');
    await waitFor(() => sentTo(number).length === 2);
    expect(sentTo(number)[1]).toMatch(/no more messages/);
    const list = await t.http().get(`${base}/opt-outs`).set(auth).expect(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ channel: 'sms', user_id: number, source: 'keyword' }),
    );
    // The flow still runs; its reply is not sent.
    await atInbound(path, number, '2');
    const blocked = await waitFor(async () =>
      (await messagesOf(number)).find((m) => m.error?.code === 'opted_out'),
    );
    expect(blocked.status).toBe('failed');
    expect(sentTo(number)).toHaveLength(2);
    await atInbound(path, number, 'START');
    await waitFor(() => sentTo(number).length === 3);
    expect(sentTo(number)[2]).toMatch(/subscribed again/);
    await atInbound(path, number, '2');
    await waitFor(() => sentTo(number).length === 4);
    expect(sentTo(number)[3]).toMatch(/^Call 100 & ask for "Duka" <any time>\./);
  });

  it("should opt a number out on the bulk opt-out callback, and on the integration's own word", async () => {
    const { path } = await smsIntegration({
      username: 'duka',
      api_key: 'atsk_x',
      opt_out_keywords: ['ACHA'],
    });
    await t
      .http()
      .post(path)
      .type('form')
      .send({ senderId: 'DUKA', phoneNumber: '+255700000105' })
      .expect(200);
    await atInbound(path, '+255700000106', 'acha');
    const users = await waitFor(async () => {
      const items = (await t.http().get(`${base}/opt-outs`).set(auth)).body.items as Array<{
        user_id: string;
        source: string;
      }>;
      const mine = items.filter((i) => ['+255700000105', '+255700000106'].includes(i.user_id));
      return mine.length === 2 && mine;
    });
    expect(users.map((u) => u.source).sort()).toEqual(['keyword', 'provider']);
  });

  it('should carry keyword, linkId and bulkSMSMode=0 on a reply to a premium message', async () => {
    const { path } = await at();
    const number = '+255700000107';
    await atInbound(path, number, 'Hi', { linkId: 'SampleLinkId123', keyword: 'DUKA' });
    await waitFor(() => sentTo(number).length === 1);
    const call = providers.calls.filter((c) => formOf(c).to === number)[0];
    expect(formOf(call)).toMatchObject({
      keyword: 'DUKA',
      linkId: 'SampleLinkId123',
      bulkSMSMode: '0',
    });
  });

  it('should hold a Beem conversation', async () => {
    const { path } = await smsIntegration({
      provider: 'beem',
      api_key: 'beem_k',
      secret_key: 'beem_s',
      sender_id: 'DUKA',
    });
    await t
      .http()
      .post(path)
      .send({ from: '255700000108', to: '15200', message: 'Habari', message_id: 'beem-in-1' })
      .expect(200);
    const send = await waitFor(() =>
      providers.calls.find((c) => c.url === '/v1/send' && c.body.includes('255700000108')),
    );
    expect(send.headers.authorization).toBe(
      `Basic ${Buffer.from('beem_k:beem_s').toString('base64')}`,
    );
    expect(JSON.parse(send.body)).toMatchObject({
      source_addr: 'DUKA',
      encoding: 0,
      recipients: [{ dest_addr: '255700000108' }],
    });
    const [{ provider_message_id: requestId }] = await waitFor(() =>
      t.db
        .query<Array<{ provider_message_id: string }>>(
          `SELECT m.provider_message_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE c.user_id = '+255700000108' AND m.provider_message_id IS NOT NULL`,
        )
        .then((rows) => rows.length > 0 && rows),
    );
    await t
      .http()
      .post(path)
      .send({
        request_id: Number(requestId),
        recipient_id: 1,
        dest_addr: '255700000108',
        status: 'DELIVERED',
      })
      .expect(200);
    await waitFor(async () =>
      (await messagesOf('+255700000108')).some((m) => m.status === 'delivered'),
    );
  });

  it('should check the Twilio signature (a bad one is 401, nothing stored) and answer with TwiML', async () => {
    const { path, record } = await smsIntegration({
      provider: 'twilio',
      account_sid: 'AC123',
      auth_token: 'tw_token',
      from: '+15550002222',
    });
    expect(record.auth_token).toBe('***');
    const params = { From: '+15550001111', To: '+15550002222', Body: 'Hi', MessageSid: 'SMin1' };
    const bad = await t
      .http()
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', twilioSignature('wrong', `${PUBLIC}${path}`, params))
      .send(params);
    expect(bad.status).toBe(401);
    const none = await t.db.query(`SELECT 1 FROM inbox_events WHERE provider_message_id = 'SMin1'`);
    expect(none).toHaveLength(0);
    const signed = (body: Record<string, string>) =>
      t
        .http()
        .post(path)
        .type('form')
        .set('X-Twilio-Signature', twilioSignature('tw_token', `${PUBLIC}${path}`, body))
        .send(body);
    const good = await signed(params);
    expect(good.status).toBe(200);
    expect(good.headers['content-type']).toMatch(/^text\/xml/);
    expect(good.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Karibu Duka! Reply with a number.\n1. Balance\n2. Help</Message></Response>',
    );
    // The same message again (Twilio retries): taken once, answered with nothing.
    const again = await signed(params);
    expect(again.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    // Bot text with markup characters is escaped in the TwiML.
    const help = await signed({ ...params, Body: '2', MessageSid: 'SMin2' });
    expect(help.text).toContain(
      '<Message>Call 100 &amp; ask for &quot;Duka&quot; &lt;any time&gt;.\nKaribu Duka!',
    );
    // Replies went in the answers: nothing through the Messages API.
    expect(providers.calls.filter((c) => c.url.endsWith('/Messages.json'))).toHaveLength(0);
    const unknownTo = await signed({ ...params, To: '+15559999999', MessageSid: 'SMin3' });
    expect(unknownTo.status).toBe(200);
    expect(unknownTo.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    // STOP and START answer inline, and the number's next message is answered at once too
    // (the keyword's event was once left claimed, holding the number's messages for 30 s).
    const stop = await signed({ ...params, Body: 'STOP', MessageSid: 'SMin4' });
    expect(stop.text).toContain('<Message>');
    // While opted out the flow runs, answers nothing, and records its reply as failed.
    const quiet = await signed({ ...params, Body: '1', MessageSid: 'SMin4b' });
    expect(quiet.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const held = (await messagesOf('+15550001111')).filter((m) => m.direction === 'outbound');
    expect(held[held.length - 1]).toMatchObject({
      status: 'failed',
      error: { code: 'opted_out' },
    });
    const start = await signed({ ...params, Body: 'START', MessageSid: 'SMin5' });
    expect(start.text).toContain('<Message>');
    const next = await signed({ ...params, Body: '2', MessageSid: 'SMin6' });
    expect(next.text).toContain('<Message>Account numbers have 4 digits.</Message>');
  });

  it('should refuse malformed posts with 400 and the field, and never store them', async () => {
    const { path } = await at();
    const cases: Array<[Record<string, string>, string]> = [
      [{ to: '15055', text: 'x', id: 'bad1' }, 'from'],
      [{ from: 'not-a-number', to: '15055', text: 'x', id: 'bad2' }, 'from'],
      [{ from: '+255700000109', to: '15055', text: 'x'.repeat(10_001), id: 'bad3' }, 'text'],
      [{ from: '+255700000109', to: '15055', text: 'x' }, 'id'],
      [{ id: 'x', status: 'Vanished' }, 'status'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http().post(path).type('form').send(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors[0].path).toBe(field);
    }
    const stored = await t.db.query(
      `SELECT 1 FROM inbox_events WHERE provider_message_id IN ('bad1', 'bad2', 'bad3')`,
    );
    expect(stored).toHaveLength(0);
    const long = await atInbound(path, '+255700000109', 'y'.repeat(10_000));
    expect(long.status).toBe(200);
    // To a short code that is not this integration's: ignored and counted, nothing stored.
    const short = await smsIntegration({ username: 'duka', api_key: 'k', sender_id: '15055' });
    const elsewhere = await t
      .http()
      .post(short.path)
      .type('form')
      .send({ from: '+255700000110', to: '15999', text: 'Hi', date: 'x', id: 'ATXid_elsewhere' });
    expect(elsewhere.status).toBe(200);
    expect(
      await t.db.query(`SELECT 1 FROM inbox_events WHERE provider_message_id = 'ATXid_elsewhere'`),
    ).toHaveLength(0);
    expect((await t.http().get('/metrics')).text).toMatch(
      /sms_inbound_total\{provider="africastalking",outcome="unknown_to"\} 1/,
    );
    await t
      .http()
      .post(path.replace(/[^/]+$/, 'A'.repeat(32)))
      .type('form')
      .send(cases[0][0])
      .expect(404);
  });
});
