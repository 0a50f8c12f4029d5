import { startBackend, type Backend } from './support/backend';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';
import { driverFor, GATEWAY_DRIVERS, post, ussdUser } from './support/ussd-gateways';
import { waitFor } from './support/wait';

const TERMS =
  'Terms: airtime bought through this service is final. Balances are shown in Tanzanian ' +
  'shillings and may take up to five minutes to update after a payment. Keep your PIN ' +
  'secret; staff will never ask for it. Fees follow the published tariff of your network. ' +
  'Disputes go to customer care within thirty days.';

/** A menu, an input state, an API_CALL to the business backend, and end states. */
const shopFlow = (backendUrl: string) => ({
  start: 'menu',
  settings: { fallback_message: 'Sorry, the shop is slow today. Dial again soon.' },
  states: {
    menu: {
      message: 'Welcome to Duka',
      buttons: [
        { id: 'balance', title: 'Check balance' },
        { id: 'terms', title: 'Terms' },
      ],
      transitions: { balance: 'ask_account', terms: 'terms' },
    },
    ask_account: {
      message: 'Enter your 4-digit account number',
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
          failure_transition: 'sorry',
        },
      ],
    },
    balance: { message: 'Balance: {{bal.amount}} TZS. Asante!', end: true },
    sorry: { message: 'Balance service busy. Try later.', end: true },
    terms: {
      message: TERMS,
      buttons: [{ id: 'menu', title: 'Back to menu' }],
      transitions: { menu: 'menu' },
    },
  },
});

describe('USSD channel', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let backend: Backend;
  let chatbotId: string;
  let base: string;

  beforeAll(async () => {
    backend = await startBackend();
    t = await startTestApp({
      OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
      PUBLIC_BASE_URL: 'https://gw.example.com/',
    });
    auth = (await t.newWorkspace()).auth;
    ({ chatbotId, base } = await publishedBot(t, auth, shopFlow(backend.url)));
  });
  afterAll(async () => {
    await t.close();
    await backend.close();
  });
  beforeEach(() =>
    backend.respond((call) => {
      const slow = /\/balance\/9999$/.test(call.url);
      return { status: 200, body: { amount: 5000 }, delayMs: slow ? 4000 : 0 };
    }),
  );

  /** A ussd integration of this chatbot; returns its record and webhook path. */
  async function ussdIntegration(fields: Record<string, unknown> = {}) {
    const res = await t
      .http()
      .post(`${base}/integrations`)
      .set(auth)
      .send({
        type: 'ussd',
        name: `ussd-${Math.random().toString(36).slice(2)}`,
        service_code: '*150*88#',
        ...fields,
      });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { record: res.body, path: new URL(res.body.webhook_url as string).pathname };
  }

  const conversationsOf = (userId: string) =>
    t.db.query<Array<{ id: string; status: string; session_key: string; message_count: number }>>(
      `SELECT id, status, session_key, message_count FROM conversations
        WHERE chatbot_id = $1 AND channel = 'ussd' AND user_id = $2 ORDER BY created_at`,
      [chatbotId, userId],
    );

  /** Moves a user's conversations `seconds` into the past, as if that much time went by. */
  const age = (userId: string, seconds: number) =>
    t.db.query(
      `UPDATE conversations
          SET updated_at = updated_at - make_interval(secs => $3::float8),
              expires_at = expires_at - make_interval(secs => $3::float8)
        WHERE chatbot_id = $1 AND channel = 'ussd' AND user_id = $2`,
      [chatbotId, userId, seconds],
    );

  const inboundTexts = (conversationId: string) =>
    t.db
      .query<Array<{ message: { text: string } }>>(
        `SELECT message FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY seq`,
        [conversationId],
      )
      .then((rows) => rows.map((m) => m.message.text));

  describe('integration records', () => {
    it('should make a webhook token and show the URL, the defaults and the gateway format', async () => {
      const { record } = await ussdIntegration();
      expect(record).toMatchObject({
        type: 'ussd',
        provider: 'africastalking',
        service_code: '*150*88#',
        max_screen_chars: 182,
        session_budget_ms: 8000,
        resume_window_seconds: 0,
        format: expect.stringContaining('CON'),
      });
      expect(record.webhook_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(record.webhook_url).toBe(
        `https://gw.example.com/webhooks/ussd/${record.id}/${record.webhook_token}`,
      );
      const hubtel = (await ussdIntegration({ provider: 'hubtel' })).record;
      expect(hubtel.session_budget_ms).toBe(6000);
      expect(hubtel.format).toMatch(/Initiation/);
    });

    it('should refuse bad fields with their paths', async () => {
      const res = await t.http().post(`${base}/integrations`).set(auth).send({
        type: 'ussd',
        name: 'bad',
        provider: 'telco',
        service_code: 'dial me',
        max_screen_chars: 10,
        session_budget_ms: 'fast',
        resume_window_seconds: -1,
        webhook_token: 'mine',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'webhook_token',
        'provider',
        'service_code',
        'max_screen_chars',
        'session_budget_ms',
        'resume_window_seconds',
      ]);
      const missing = await t
        .http()
        .post(`${base}/integrations`)
        .set(auth)
        .send({ type: 'ussd', name: 'bad' });
      expect(missing.body.errors).toEqual([
        { path: 'service_code', message: 'service_code is required.' },
      ]);
    });

    it('should rotate the webhook token: the old URL is then a 404', async () => {
      const { record, path } = await ussdIntegration();
      const user = ussdUser(t, driverFor('africastalking'), path, '+255700000050');
      expect((await user.dial()).text).toContain('Welcome to Duka');
      const rotated = await t
        .http()
        .patch(`${base}/integrations/${record.id}`)
        .set(auth)
        .send({ ...record, rotate_webhook_token: true, resume_window_seconds: 60 });
      expect(rotated.status).toBe(200);
      expect(rotated.body.webhook_token).not.toBe(record.webhook_token);
      expect(rotated.body.resume_window_seconds).toBe(60);
      // The webhook keeps an integration in memory for up to two seconds.
      await new Promise((r) => setTimeout(r, 2100));
      const old = await post(t, path, driverFor('africastalking').dial(user.session));
      expect(old.status).toBe(404);
      const fresh = new URL(rotated.body.webhook_url as string).pathname;
      expect((await post(t, fresh, driverFor('africastalking').dial(user.session))).status).toBe(
        200,
      );
      const sneaky = await t
        .http()
        .patch(`${base}/integrations/${record.id}`)
        .set(auth)
        .send({ webhook_token: 'x'.repeat(32) });
      expect(sneaky.status).toBe(400);
      expect(sneaky.body.errors[0].path).toBe('webhook_token');
      const moved = await t
        .http()
        .patch(`${base}/integrations/${record.id}`)
        .set(auth)
        .send({ webhook_url: 'https://elsewhere.example/hook' });
      expect(moved.status).toBe(400);
      expect(moved.body.errors).toEqual([
        { path: 'webhook_url', message: 'webhook_url is read-only and cannot be changed.' },
      ]);
    });
  });

  describe.each(GATEWAY_DRIVERS.map((d) => [d.provider, d] as const))('%s', (provider, driver) => {
    it('should run a whole session: dial, menu, bad and good input, API_CALL, end', async () => {
      const { path } = await ussdIntegration({ provider });
      const phone = '+255700000001';
      const user = ussdUser(t, driver, path, phone);
      const calls = backend.calls.length;

      const first = await user.dial();
      expect(first).toEqual({
        text: 'Welcome to Duka\n1. Check balance\n2. Terms',
        end: false,
      });
      expect(await user.say('1')).toEqual({
        text: 'Enter your 4-digit account number',
        end: false,
      });
      expect(await user.say('12ab')).toEqual({
        text: 'Account numbers have 4 digits.',
        end: false,
      });
      expect(await user.say('4321')).toEqual({ text: 'Balance: 5000 TZS. Asante!', end: true });

      const call = backend.calls.slice(calls).find((c) => c.url === '/balance/4321');
      expect(call?.headers['x-sarufi-channel']).toBe('ussd');
      expect(call?.headers['x-sarufi-user-id']).toBe(phone);
      const [conversation] = await conversationsOf(phone).then((rows) =>
        rows.filter((r) => r.session_key === user.session.id),
      );
      expect(conversation.status).toBe('CLOSED');
    });

    if (driver.end)
      it('should close the session on the end notification, after a turn in flight', async () => {
        const { path } = await ussdIntegration({ provider, session_budget_ms: 8000 });
        const phone = '+255700000002';
        const user = ussdUser(t, driver, path, phone);
        await user.dial();
        await user.say('1');
        backend.respond(() => ({ status: 200, body: { amount: 7 }, delayMs: 600 }));
        const turn = user.say('1111');
        await new Promise((r) => setTimeout(r, 150));
        const ended = await user.end();
        expect(ended.status).toBe(200);
        // The turn in flight finished and was saved before the session closed.
        expect(await turn).toEqual({ text: 'Balance: 7 TZS. Asante!', end: true });
        const rows = (await conversationsOf(phone)).filter(
          (r) => r.session_key === user.session.id,
        );
        expect(rows).toHaveLength(1);
        expect(rows[0].status).toBe('CLOSED');
        // dial (1 out), "1" (in, out), "1111" (in, out)
        expect(rows[0].message_count).toBe(5);
      });
  });

  describe('sessions', () => {
    it("should read only the newest Africa's Talking segment and never replay the path", async () => {
      const { path } = await ussdIntegration();
      const at = driverFor('africastalking');
      const phone = '+255700000003';
      const user = ussdUser(t, at, path, phone);
      await user.dial();
      await user.say('1');
      // The gateway sends "1*12ab" then "1*12ab*4321": only the last part is the reply.
      expect((await user.say('12ab')).text).toBe('Account numbers have 4 digits.');
      expect((await user.say('4321')).text).toBe('Balance: 5000 TZS. Asante!');
      const [row] = await conversationsOf(phone);
      expect(await inboundTexts(row.id)).toEqual(['Check balance', '12ab', '4321']);
    });

    it('should close a Hubtel session on Timeout and start afresh on the next dial', async () => {
      const { path } = await ussdIntegration({ provider: 'hubtel' });
      const hubtel = driverFor('hubtel');
      const phone = '+233244000004';
      const user = ussdUser(t, hubtel, path, phone);
      await user.dial();
      await user.say('1');
      const timeout = await post(t, path, {
        body: { ...hubtel.end!(user.session).body, Type: 'Timeout' },
      });
      expect(timeout.status).toBe(200);
      expect((await conversationsOf(phone)).map((r) => r.status)).toEqual(['CLOSED']);
      const again = ussdUser(t, hubtel, path, phone);
      expect((await again.dial()).text).toMatch(/^Welcome to Duka/);
    });

    it('should offer to continue a session cut off within the resume window', async () => {
      const { path } = await ussdIntegration({ resume_window_seconds: 300 });
      const at = driverFor('africastalking');
      const phone = '+255700000005';
      const first = ussdUser(t, at, path, phone);
      await first.dial();
      expect((await first.say('1')).text).toBe('Enter your 4-digit account number');
      await first.end();
      expect((await conversationsOf(phone)).map((r) => r.status)).toEqual(['ACTIVE']);

      const second = ussdUser(t, at, path, phone);
      expect(await second.dial()).toEqual({
        text: '1. Continue where you left off\n2. Start again',
        end: false,
      });
      expect(await second.say('1')).toEqual({
        text: 'Enter your 4-digit account number',
        end: false,
      });
      expect((await second.say('4321')).text).toBe('Balance: 5000 TZS. Asante!');
      const rows = await conversationsOf(phone);
      expect(rows.map((r) => [r.status, r.session_key])).toEqual([['CLOSED', second.session.id]]);

      // Cut off again; this time the user starts again.
      const third = ussdUser(t, at, path, phone);
      await third.dial();
      await third.say('2');
      await third.end();
      const fourth = ussdUser(t, at, path, phone);
      expect((await fourth.dial()).text).toMatch(/^1\. Continue/);
      expect(await fourth.say('Start again')).toEqual({
        text: 'Welcome to Duka\n1. Check balance\n2. Terms',
        end: false,
      });
      const statuses = (await conversationsOf(phone)).map((r) => r.status);
      expect(statuses).toEqual(['CLOSED', 'CLOSED', 'ACTIVE']);
    });

    it("should offer to continue within the window even after the flow's own timeout", async () => {
      // The flow's sessions time out after 30 idle minutes (its default); the window is a day.
      const { path } = await ussdIntegration({ resume_window_seconds: 86_400 });
      const at = driverFor('africastalking');
      const phone = '+255700000070';
      const first = ussdUser(t, at, path, phone);
      await first.dial();
      const terms = await first.say('2');
      await first.end();
      await age(phone, 2 * 3600);

      const second = ussdUser(t, at, path, phone);
      expect((await second.dial()).text).toBe('1. Continue where you left off\n2. Start again');
      expect(await second.say('1')).toEqual(terms);
      // The gateway retries that "1": the terms again, not their option 1.
      expect(await second.retry()).toEqual(terms);
      await second.end();
      // Cut off again at once: the window runs from the resume, not from the first dial.
      await age(phone, 23 * 3600);

      const third = ussdUser(t, at, path, phone);
      expect((await third.dial()).text).toMatch(/^1\. Continue/);
      expect(await third.say('1')).toEqual(terms);
      expect((await third.say('1')).text).toMatch(/^Welcome to Duka/);
      expect((await third.say('1')).text).toBe('Enter your 4-digit account number');
      expect((await third.say('4321')).text).toBe('Balance: 5000 TZS. Asante!');
      const rows = await conversationsOf(phone);
      expect(rows.map((r) => [r.status, r.session_key])).toEqual([['CLOSED', third.session.id]]);
      expect(await inboundTexts(rows[0].id)).toEqual([
        'Terms',
        'Back to menu',
        'Check balance',
        '4321',
      ]);
    });

    it('should show the screen again when a gateway repeats a dial', async () => {
      const { path } = await ussdIntegration({ provider: 'nalo' });
      const nalo = driverFor('nalo');
      const user = ussdUser(t, nalo, path, '+233244000006');
      await user.dial();
      const menu = await user.say('2');
      expect(await user.dial()).toEqual(menu);
      expect(await conversationsOf('+233244000006')).toHaveLength(1);
    });
  });

  describe('gateway retries', () => {
    const at = driverFor('africastalking');

    it("should answer an Africa's Talking retry with the same screen, and still take the next input", async () => {
      const { path } = await ussdIntegration();
      const phone = '+255700000071';
      const user = ussdUser(t, at, path, phone);
      await user.dial();
      const asked = await user.say('1');
      expect(asked).toEqual({ text: 'Enter your 4-digit account number', end: false });
      // The same text "1" again: the gateway did not get the answer; "1" is no account number.
      expect(await user.retry()).toEqual(asked);
      expect(await user.say('4321')).toEqual({ text: 'Balance: 5000 TZS. Asante!', end: true });
      const [row] = await conversationsOf(phone);
      expect(await inboundTexts(row.id)).toEqual(['Check balance', '4321']);
      const metrics = await t.http().get('/metrics');
      expect(metrics.text).toMatch(
        /ussd_turns_total\{gateway="africastalking",outcome="retry"\} [1-9]/,
      );
    });

    it('should show the same page again on a retried 98', async () => {
      // Narrow screens: the terms take more than three pages.
      const { path } = await ussdIntegration({ max_screen_chars: 80 });
      const user = ussdUser(t, at, path, '+255700000072');
      await user.dial();
      await user.say('2');
      const page2 = await user.say('98');
      expect(await user.retry()).toEqual(page2);
      const page3 = await user.say('98');
      expect(page3.text).not.toBe(page2.text);
      expect(await user.say('0')).toEqual(page2);
    });

    it('should answer a retry that arrives while the first runs once the first is done, and after the end', async () => {
      const { path } = await ussdIntegration();
      const phone = '+255700000073';
      const user = ussdUser(t, at, path, phone);
      await user.dial();
      await user.say('1');
      backend.respond(() => ({ status: 200, body: { amount: 8 }, delayMs: 600 }));
      const calls = backend.calls.length;
      const first = user.say('4321');
      await new Promise((r) => setTimeout(r, 150));
      const retried = await user.retry();
      const balance = { text: 'Balance: 8 TZS. Asante!', end: true };
      expect(await first).toEqual(balance);
      expect(retried).toEqual(balance);
      // The session has ended; a retry still gets its last screen, not a new session.
      expect(await user.retry()).toEqual(balance);
      expect(backend.calls.slice(calls).filter((c) => c.url === '/balance/4321')).toHaveLength(1);
      const rows = await conversationsOf(phone);
      expect(rows.map((r) => r.status)).toEqual(['CLOSED']);
      expect(await inboundTexts(rows[0].id)).toEqual(['Check balance', '4321']);
    });

    it('should tell a Hubtel retry from the same input typed again by its Sequence', async () => {
      const { path } = await ussdIntegration({ provider: 'hubtel' });
      const phone = '+233244000074';
      const user = ussdUser(t, driverFor('hubtel'), path, phone);
      await user.dial();
      const asked = await user.say('1');
      expect(await user.retry()).toEqual(asked);
      const wrong = { text: 'Account numbers have 4 digits.', end: false };
      expect(await user.say('12ab')).toEqual(wrong);
      // Typed again: a new Sequence, so a new input.
      expect(await user.say('12ab')).toEqual(wrong);
      const [row] = await conversationsOf(phone);
      expect(await inboundTexts(row.id)).toEqual(['Check balance', '12ab', '12ab']);
    });

    it('should take a repeated input as new where the gateway sends only the newest input (Nalo)', async () => {
      const { path } = await ussdIntegration({ provider: 'nalo' });
      const phone = '+233244000075';
      const user = ussdUser(t, driverFor('nalo'), path, phone);
      await user.dial();
      await user.say('1');
      await user.say('12ab');
      await user.retry();
      const [row] = await conversationsOf(phone);
      expect(await inboundTexts(row.id)).toEqual(['Check balance', '12ab', '12ab']);
    });
  });

  describe('paging', () => {
    it('should page a long reply with 98 and 0, taking no flow step, and select across pages', async () => {
      const { path } = await ussdIntegration({ provider: 'beem' });
      const phone = '+255700000007';
      const user = ussdUser(t, driverFor('beem'), path, phone);
      await user.dial();
      const page1 = await user.say('2');
      expect(page1.end).toBe(false);
      expect(page1.text.endsWith('\n98. More')).toBe(true);
      expect(Array.from(page1.text).length).toBeLessThanOrEqual(182);
      const [before] = await conversationsOf(phone);

      const page2 = await user.say('98');
      expect(page2.text).toMatch(/\n0\. Back$|\n0\. Back\n98\. More$/);
      expect(Array.from(page2.text).length).toBeLessThanOrEqual(182);
      const pages = [page1.text, page2.text];
      let last = page2;
      while (last.text.endsWith('98. More')) {
        last = await user.say('98');
        pages.push(last.text);
        expect(Array.from(last.text).length).toBeLessThanOrEqual(182);
      }
      expect(last.text).toMatch(/1\. Back to menu\n0\. Back$/);
      expect(await user.say('0')).toEqual({ text: pages[pages.length - 2], end: false });
      // Every word of the terms is on one of the pages, in order.
      const shown = pages
        .join(' ')
        .replace(/(\n0\. Back|\n98\. More|\n1\. Back to menu)/g, ' ')
        .split(/\s+/)
        .filter(Boolean);
      expect(shown.join(' ')).toBe(TERMS);

      const [after] = await conversationsOf(phone);
      expect(after.message_count).toBe(before.message_count);
      const paged = await t.http().get('/metrics');
      expect(paged.text).toMatch(/ussd_screens_paged_total\{gateway="beem"\} [1-9]/);

      // "1" on the last page is the option shown there.
      expect((await user.say('1')).text).toMatch(/^Welcome to Duka/);
    });
  });

  describe('the deadline', () => {
    it('should cut an API_CALL that would outlast the budget and take its failure route', async () => {
      const { path } = await ussdIntegration({ provider: 'arkesel', session_budget_ms: 1500 });
      const user = ussdUser(t, driverFor('arkesel'), path, '+233244000008');
      await user.dial();
      await user.say('1');
      const started = Date.now();
      const answer = await user.say('9999');
      // Answered without waiting for the 4-second backend.
      expect(Date.now() - started).toBeLessThan(4000);
      expect(answer).toEqual({ text: 'Balance service busy. Try later.', end: true });
    });

    it("should answer END with the flow's fallback message when the turn cannot finish in time", async () => {
      const { path } = await ussdIntegration({ provider: 'infobip', session_budget_ms: 1200 });
      const phone = '+255700000009';
      const user = ussdUser(t, driverFor('infobip'), path, phone);
      await user.dial();
      const [row] = await conversationsOf(phone);
      // Another instance holds the session (stuck) for longer than the budget.
      await t.db.query(
        `UPDATE conversations SET lease_owner = 'stuck', lease_until = now() + interval '3 seconds' WHERE id = $1`,
        [row.id],
      );
      const started = Date.now();
      const answer = await user.say('1');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(answer).toEqual({
        text: 'Sorry, the shop is slow today. Dial again soon.',
        end: true,
      });
      // Once the stuck lease lapses, the turn finishes and the session is closed.
      await waitFor(async () => (await conversationsOf(phone))[0].status === 'CLOSED');
      const metrics = await t.http().get('/metrics');
      expect(metrics.text).toMatch(/ussd_turns_total\{gateway="infobip",outcome="deadline"\} 1/);
    });
  });

  describe('bad input', () => {
    it.each(['', '*', '**', '1**2', 'x'.repeat(500), '٣', '😀'])(
      'should answer %j with a valid screen, never an error',
      async (typed) => {
        const { path } = await ussdIntegration();
        const user = ussdUser(t, driverFor('africastalking'), path, '+255700000010');
        await user.dial();
        await user.say('1');
        const answer = await user.say(typed);
        expect(answer).toEqual({ text: 'Account numbers have 4 digits.', end: false });
        // At the menu, anything unknown gets the fallback and the menu stays.
        const menuUser = ussdUser(t, driverFor('africastalking'), path, '+255700000011');
        await menuUser.dial();
        const atMenu = await menuUser.say(typed);
        expect(atMenu.end).toBe(false);
      },
    );

    it('should refuse missing or mistyped gateway fields with 400 and the field', async () => {
      const cases: Array<[string, Record<string, unknown>, string, boolean?]> = [
        [
          'africastalking',
          { serviceCode: '*1#', phoneNumber: '+255700000012', text: '' },
          'sessionId',
          true,
        ],
        ['africastalking', { sessionId: 's', phoneNumber: 'abc', text: '' }, 'phoneNumber', true],
        ['hubtel', { Type: 'Poke', Mobile: '233244000000', SessionId: 's' }, 'Type'],
        ['hubtel', { Type: 'Response', Mobile: 233244000000, SessionId: {} }, 'SessionId'],
        ['arkesel', { sessionID: 's', msisdn: '233244000000', newSession: 'maybe' }, 'newSession'],
        ['nalo', { SESSIONID: 's', MSISDN: ['233'], MSGTYPE: true }, 'MSISDN'],
        [
          'beem',
          { command: 'continue', session_id: 's', msisdn: '255700000000', payload: [] },
          'payload',
        ],
        [
          'beem',
          {
            command: 'continue',
            session_id: 's',
            msisdn: '255700000000',
            payload: { response: 7.5 },
          },
          '',
        ],
      ];
      for (const [provider, body, field, form] of cases) {
        const { path } = await ussdIntegration({ provider });
        const res = await post(t, path, { body, form });
        if (field === '') {
          // A number where a text is expected is read as its digits: still a valid reply.
          expect(res.status).toBe(200);
          continue;
        }
        expect({ provider, status: res.status }).toEqual({ provider, status: 400 });
        expect(res.body.errors[0].path).toBe(field);
        expect(res.body.detail).toBe(`Invalid ${provider} request.`);
      }
      const { path } = await ussdIntegration({ provider: 'infobip' });
      const noSession = await post(t, path, {
        path: ['session'],
        body: { msisdn: '255700000000' },
      });
      expect(noSession.status).toBe(400);
      const notJson = await t.http().post(path).set('Content-Type', 'text/plain').send('hello');
      expect(notJson.status).toBe(415);
      const rows = await t.db.query(
        `SELECT count(*)::int AS n FROM conversations WHERE chatbot_id = $1 AND user_id = '+255700000012'`,
        [chatbotId],
      );
      expect(rows[0].n).toBe(0);
    });

    it('should answer 404 to a wrong token or integration id, the same for both', async () => {
      const { record, path } = await ussdIntegration();
      const at = driverFor('africastalking');
      const session = { id: 'x', phone: '+255700000013', typed: [] };
      const wrongToken = await post(
        t,
        path.replace(record.webhook_token, 'A'.repeat(32)),
        at.dial(session),
      );
      const wrongId = await post(
        t,
        path.replace(record.id, '01JZZZZZZZZZZZZZZZZZZZZZZZ'),
        at.dial(session),
      );
      const shortToken = await post(t, path.replace(record.webhook_token, 'x'), at.dial(session));
      for (const res of [wrongToken, wrongId, shortToken]) {
        expect(res.status).toBe(404);
        expect(res.body.detail).toBe(wrongToken.body.detail);
      }
    });
  });

  describe('edges found by a black-box review', () => {
    const at = driverFor('africastalking');

    it('should keep a menu answerable by number after its fallback', async () => {
      const { path } = await ussdIntegration();
      const user = ussdUser(t, at, path, '+255700000060');
      expect((await user.dial()).text).toContain('1. Check balance');
      expect((await user.say('xyz')).text).toContain('slow today');
      expect((await user.say('1')).text).toContain('Enter your 4-digit account number');
    });

    it("should count Africa's Talking's CON/END prefix in max_screen_chars", async () => {
      const { path } = await ussdIntegration({ max_screen_chars: 60 });
      const user = ussdUser(t, at, path, '+255700000061');
      await user.dial();
      const pages: string[] = [];
      let res = await post(t, path, at.say(user.session, '2'));
      user.session.typed.push('2');
      pages.push(res.text);
      while (res.text.includes('98. More')) {
        res = await post(t, path, at.say(user.session, '98'));
        user.session.typed.push('98');
        pages.push(res.text);
      }
      expect(pages.length).toBeGreaterThan(2);
      for (const page of pages) expect([...page].length).toBeLessThanOrEqual(60);
      // The channel's own END sentence too: a chatbot with no published flow.
      const bare = await t
        .http()
        .post('/api/dev/v1/chatbots')
        .set(auth)
        .send({ name: `no-flow-${Math.random().toString(36).slice(2)}` })
        .expect(201);
      const own = await t
        .http()
        .post(`/api/dev/v1/chatbots/${bare.body.id as string}/integrations`)
        .set(auth)
        .send({ type: 'ussd', name: 'bare', service_code: '*150*89#', max_screen_chars: 60 })
        .expect(201);
      const ended = await post(
        t,
        new URL(own.body.webhook_url as string).pathname,
        at.dial({ id: 'gw-bare-1', phone: '+255700000062', typed: [] }),
      );
      expect(ended.text).toMatch(/^END /);
      expect([...ended.text].length).toBeLessThanOrEqual(60);
    });

    it("should read an Africa's Talking session whose history passed 1000 characters", async () => {
      const { path } = await ussdIntegration();
      const user = ussdUser(t, at, path, '+255700000063');
      await user.dial();
      for (let i = 0; i < 8; i++)
        expect((await user.say(`${i}`.repeat(150))).text).toContain('slow today');
      expect(user.session.typed.join('*').length).toBeGreaterThan(1000);
      expect((await user.say('1')).text).toContain('Enter your 4-digit account number');
    });

    it('should take a number dialled with 00 as the same E.164 user as with +', async () => {
      const { path } = await ussdIntegration();
      const user = ussdUser(t, at, path, '00255700000064');
      await user.dial();
      expect(await conversationsOf('+255700000064')).toHaveLength(1);
      expect(await conversationsOf('+00255700000064')).toHaveLength(0);
    });

    it('should keep a budget set on purpose when the provider changes, and refuse a changed format', async () => {
      const patch = (r: { id: string }, body: object, status: number) =>
        t.http().patch(`${base}/integrations/${r.id}`).set(auth).send(body).expect(status);
      const custom = (await ussdIntegration({ session_budget_ms: 3000 })).record;
      const moved = await patch(custom, { provider: 'nalo' }, 200);
      expect(moved.body.session_budget_ms).toBe(3000);
      const defaulted = (await ussdIntegration()).record;
      const hubtel = await patch(defaulted, { provider: 'hubtel' }, 200);
      expect(hubtel.body.session_budget_ms).toBe(6000);
      const format = await patch(defaulted, { format: 'mine' }, 400);
      expect(format.body.errors).toEqual([
        { path: 'format', message: 'format is read-only and cannot be changed.' },
      ]);
    });
  });
});
