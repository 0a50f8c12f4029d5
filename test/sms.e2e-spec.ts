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

  /** The provider id of a number's first outbound message, once it was sent (else false). */
  const sentIdOf = async (userId: string) => {
    const rows = await t.db.query<Array<{ provider_message_id: string }>>(
      `SELECT m.provider_message_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.chatbot_id = $1 AND c.user_id = $2 AND m.direction = 'outbound'
          AND m.provider_message_id IS NOT NULL ORDER BY m.seq`,
      [chatbotId, userId],
    );
    return rows.length > 0 && rows[0].provider_message_id;
  };

  /** A counter's value on /metrics (0 before its first count). */
  const counter = async (series: string) => {
    const line = (await t.http().get('/metrics')).text
      .split('\n')
      .find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  /** A form post to a Twilio integration's webhook, signed with its auth token. */
  const twilioPost = (path: string, body: Record<string, string>, authToken = 'tw_token') =>
    t
      .http()
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(authToken, `${PUBLIC}${path}`, body))
      .send(body);

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

    const providerId = await waitFor(() => sentIdOf(number));
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
    const requestId = await waitFor(() => sentIdOf('+255700000108'));
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
    const bad = await twilioPost(path, params, 'wrong');
    expect(bad.status).toBe(401);
    const none = await t.db.query(`SELECT 1 FROM inbox_events WHERE provider_message_id = 'SMin1'`);
    expect(none).toHaveLength(0);
    const signed = (body: Record<string, string>) => twilioPost(path, body);
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
      [{ id: 'x', status: '' }, 'status'],
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

  it('should apply a delivery report only to messages sent through the integration that received it', async () => {
    // Two integrations of the chatbot (two sender ids): the number's session is shared.
    const first = await at();
    const second = await smsIntegration({
      username: 'duka',
      api_key: 'atsk_y',
      sender_id: 'DUKA2',
    });
    const number = '+255700000112';
    await atInbound(first.path, number, 'Hi');
    const providerId = await waitFor(() => sentIdOf(number));
    const reports = 'delivery_reports_total{channel="sms",outcome=';
    const counts = async () => ({
      applied: await counter(`${reports}"applied"}`),
      unknown: await counter(`${reports}"unknown_id"}`),
    });
    const before = await counts();
    // The other integration's report of that id is about a message of its own account.
    await t
      .http()
      .post(second.path)
      .type('form')
      .send({ id: providerId, status: 'Failed', failureReason: 'UserInBlacklist' })
      .expect(200);
    const after = await waitFor(async () => {
      const now = await counts();
      return now.applied + now.unknown === before.applied + before.unknown + 1 && now;
    });
    expect(after).toEqual({ applied: before.applied, unknown: before.unknown + 1 });
    const outbound = async () =>
      (await messagesOf(number)).filter((m) => m.direction === 'outbound')[0];
    expect(await outbound()).toMatchObject({ status: 'sent' });
    expect((await outbound()).error).toBeUndefined();
    await t
      .http()
      .post(first.path)
      .type('form')
      .send({ id: providerId, status: 'Success' })
      .expect(200);
    await waitFor(async () => (await outbound()).status === 'delivered');
  });

  it('should acknowledge a delivery status it does not know (200, counted) and leave the message as it is, on every provider', async () => {
    const at1 = await at();
    const atNumber = '+255700000113';
    await atInbound(at1.path, atNumber, 'Hi');
    const atId = await waitFor(() => sentIdOf(atNumber));

    const bm = await smsIntegration({
      provider: 'beem',
      api_key: 'beem_k',
      secret_key: 'beem_s',
      sender_id: 'DUKA',
    });
    const beemNumber = '+255700000114';
    await t
      .http()
      .post(bm.path)
      .send({ from: beemNumber.slice(1), to: '15200', message: 'Habari', message_id: 'beem-in-2' })
      .expect(200);
    const beemId = await waitFor(() => sentIdOf(beemNumber));

    // A message the business sends first goes through Twilio's Messages API, with a SID.
    const tw = await smsIntegration({
      provider: 'twilio',
      account_sid: 'AC123',
      auth_token: 'tw_token',
      from: '+15550003333',
    });
    const twNumber = '+255700000115';
    await t
      .http()
      .post(`${base}/outbound`)
      .set(auth)
      .send({ integration_id: tw.record.id, to: twNumber, state: 'menu' })
      .expect(202);
    const sid = await waitFor(() => sentIdOf(twNumber));

    await t.http().post(at1.path).type('form').send({ id: atId, status: 'Queued' }).expect(200);
    await t
      .http()
      .post(bm.path)
      .send({
        request_id: Number(beemId),
        recipient_id: 1,
        dest_addr: '255700000114',
        status: 'ENROUTE',
      })
      .expect(200);
    const tw1 = await twilioPost(tw.path, { MessageSid: sid, MessageStatus: 'paused' });
    expect(tw1.status).toBe(200);

    for (const provider of ['africastalking', 'beem', 'twilio'])
      expect({
        provider,
        count: await counter(`sms_inbound_total{provider="${provider}",outcome="unknown_status"}`),
      }).toEqual({ provider, count: 1 });
    // Nothing was stored to process later: the messages stay as they were.
    const stored = await t.db.query(
      `SELECT 1 FROM inbox_events WHERE kind = 'sms.status' AND provider_message_id = ANY($1)`,
      [[atId, beemId, sid].map((id) => `status:${id}:failed`)],
    );
    expect(stored).toHaveLength(0);
    for (const number of [atNumber, beemNumber, twNumber]) {
      const [out] = (await messagesOf(number)).filter((m) => m.direction === 'outbound');
      expect({ number, status: out.status, error: out.error }).toEqual({
        number,
        status: 'sent',
        error: undefined,
      });
    }
    // A status it knows still applies.
    await twilioPost(tw.path, { MessageSid: sid, MessageStatus: 'delivered' }).expect(200);
    await waitFor(async () => (await messagesOf(twNumber)).some((m) => m.status === 'delivered'));
  });

  it('should refuse START as an opt-out keyword (it would mean both), on create and on PATCH', async () => {
    const created = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({
        type: 'sms',
        name: 'sms-start-word',
        username: 'duka',
        api_key: 'k',
        opt_out_keywords: ['ACHA', 'start'],
      });
    expect(created.status).toBe(400);
    expect(created.body.detail).toEqual(expect.any(String));
    expect(created.body.errors).toEqual([
      { path: 'opt_out_keywords[1]', message: expect.stringContaining('START') },
    ]);
    const { record } = await smsIntegration({
      username: 'duka',
      api_key: 'k',
      opt_out_keywords: ['ACHA'],
    });
    const patched = await t
      .http()
      .patch(`${base}/integrations/${record.id}`)
      .set(auth)
      .send({ opt_out_keywords: ['SIMAMA', 'Start.'] });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([
      { path: 'opt_out_keywords[1]', message: expect.stringContaining('START') },
    ]);
    const kept = await t.http().get(`${base}/integrations/${record.id}`).set(auth).expect(200);
    expect(kept.body.opt_out_keywords).toEqual(['ACHA']);
  });
});
