import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startBackend, type Backend } from './support/backend';
import { launchBrowser, screenshotPath } from './support/browser';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * The playground in a real Chromium against the real app and database: what a bot author
 * does (web.md, "Tests"): enter the API key, paste a flow, see an error at its path and jump
 * to it, fix it, see the map, chat with the draft in preview with its trace and channel
 * renderings, publish. It loads dist/web/playground.js: `npm test` builds it first (run
 * `npm run build` before running this file alone).
 */

const SERVICES = Array.from({ length: 12 }, (_, i) => ({
  id: `svc${i + 1}`,
  title: `Service number ${i + 1}`,
}));

/** The author's flow: a menu, a balance fetched from the business's backend, a 12-option menu. */
const goodFlow = (backendUrl: string) => ({
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu! What do you need?',
      buttons: [
        { id: 'balance', title: 'Balance' },
        { id: 'services', title: 'Services' },
      ],
      transitions: { balance: 'fetch_balance', services: 'services', default: 'menu' },
    },
    fetch_balance: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/balance`,
          method: 'GET',
          save_to: 'account',
          success_transition: 'show_balance',
          failure_transition: 'sorry',
        },
      ],
    },
    show_balance: {
      message: 'Your balance is {{account.balance}} TZS. Say anything for the menu.',
      transitions: { default: 'menu' },
    },
    sorry: { message: 'Sorry, our system is busy.', end: true },
    services: {
      message: 'Choose a service',
      buttons: SERVICES,
      transitions: { default: 'menu' },
    },
    old_promo: { message: 'This promotion has ended.', end: true },
  },
});

/** The same flow with a typo in a transition target. */
const brokenFlow = (backendUrl: string) => {
  const flow = goodFlow(backendUrl);
  flow.states.menu.transitions.balance = 'fetch_balanse';
  return flow;
};

describe('Playground in a browser', () => {
  let t: TestApp;
  let backend: Backend;
  let gateway: string;
  let apiKey: string;
  let auth: { Authorization: string };
  let chatbotId: string;
  let flowId: string;
  let chromium: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    backend = await startBackend();
    backend.respond(() => ({ status: 200, body: { balance: 1200 } }));
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' });
    await t.handle.app.listen(0, '127.0.0.1');
    const { port } = t.handle.app.getHttpServer().address() as AddressInfo;
    gateway = `http://127.0.0.1:${port}`;
    ({ apiKey, auth } = await t.newWorkspace());
    const bot = await t
      .http()
      .post('/api/dev/v1/chatbots')
      .set(auth)
      .send({ name: 'Duka Bank' })
      .expect(201);
    chatbotId = bot.body.id;
    const flow = await t
      .http()
      .post(`/api/dev/v1/chatbots/${chatbotId}/flows`)
      .set(auth)
      .send({
        name: 'Main menu',
        type: 'conversation',
        flow: { start: 'hi', states: { hi: { message: 'Hi', end: true } } },
      })
      .expect(201);
    flowId = flow.body.id;

    chromium = await launchBrowser();
    browser = chromium.browser;
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    await backend?.close();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  /** Replaces the editor's text the way a paste does. */
  async function paste(text: string): Promise<void> {
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(text);
  }

  const editorText = () =>
    page.evaluate(() => {
      const lines = [...document.querySelectorAll('.cm-content .cm-line')];
      return lines.map((l) => l.textContent).join('\n');
    });

  /** The editor's selection as [from, to], kept by the page in data-selection. */
  async function selection(): Promise<[number, number]> {
    const value = (await page.getByTestId('editor').getAttribute('data-selection')) ?? '';
    const [from, to] = value.split('-').map(Number);
    return [from, to];
  }

  const validationDone = () =>
    page.locator('[data-testid=issues-title][data-errors]').waitFor({ timeout: 15_000 });

  it('asks for an API key, keeps it in sessionStorage only, and lists chatbots and flows', async () => {
    const response = await page.goto(`${gateway}/playground`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Flow playground');

    await page.getByTestId('api-key-input').fill('sk_not_a_real_key');
    await page.getByTestId('api-key-submit').click();
    await page.locator('[data-testid=status][data-tone=error]', { hasText: 'refused' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);

    await page.getByTestId('api-key-input').fill(apiKey);
    await page.getByTestId('api-key-submit').click();
    const bot = page.locator('[data-testid=chatbot-item]', { hasText: 'Duka Bank' });
    await bot.waitFor();
    // The only chatbot is selected at once; its flows are listed.
    await page.locator('[data-testid=flow-item]', { hasText: 'Main menu' }).click();
    await page.locator('[data-testid=flow-title]', { hasText: 'Main menu' }).waitFor();
    await validationDone();
    expect(JSON.parse(await editorText())).toEqual({
      start: 'hi',
      states: { hi: { message: 'Hi', end: true } },
    });

    const storage = await page.evaluate(() => ({
      session: Object.fromEntries(Object.entries(sessionStorage)),
      local: localStorage.length,
    }));
    expect(Object.values(storage.session)).toEqual([apiKey]);
    expect(storage.local).toBe(0);
  });

  it('shows a JSON syntax error with its position, and puts the cursor there', async () => {
    const text = '{\n  "start": "menu",\n  "states": {,\n}';
    await paste(text);
    const issue = page.locator('[data-testid=issue][data-severity=syntax]');
    await issue.waitFor();
    expect(await issue.innerText()).toContain('line 3, column 14');
    await issue.click();
    const offset = text.indexOf('{,') + 1;
    expect(await selection()).toEqual([offset, offset]);
  });

  it('shows a validation error at its path and clicking it puts the cursor on that place', async () => {
    const text = JSON.stringify(brokenFlow(backend.url), null, 2);
    await paste(text);
    const error = page.locator(
      '[data-testid=issue][data-severity=error][data-path="states.menu.transitions.balance"]',
    );
    await error.waitFor({ timeout: 15_000 });
    expect(await error.innerText()).toContain('"fetch_balanse" is not a state');

    await error.click();
    const key = text.indexOf('"balance": "fetch_balanse"');
    expect(key).toBeGreaterThan(0);
    expect(await selection()).toEqual([key, key + '"balance"'.length]);
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe('"balance"');
    await page
      .getByTestId('cursor-position')
      .filter({ hasText: /^Ln \d+, Col \d+$/ })
      .waitFor();

    // The map shows the name that is not a state, in red.
    await page.locator('g.node[data-kind=missing][data-state=fetch_balanse]').waitFor();
    expect(await page.locator('g.edge[data-to=fetch_balanse]').count()).toBe(1);
  });

  it('maps the fixed flow: one box per state, one arrow per route, start, end and unreachable marked', async () => {
    const text = JSON.stringify(goodFlow(backend.url), null, 2);
    await paste(text);
    await page.locator('[data-testid=issues-title][data-errors="0"]').waitFor({ timeout: 15_000 });
    // Warnings only: the unreachable promotion and the 12 buttons WhatsApp cannot show as buttons.
    const warnings = await page
      .locator('[data-testid=issue][data-severity=warning]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    expect(warnings).toEqual(
      expect.arrayContaining(['states.old_promo', 'states.services.buttons']),
    );

    const map = page.getByTestId('map-svg');
    await map.waitFor();
    await waitFor(async () => (await page.locator('g.node[data-kind=missing]').count()) === 0);
    const states = await page
      .locator('g.node[data-kind=state]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.sort()).toEqual(
      ['fetch_balance', 'menu', 'old_promo', 'services', 'show_balance', 'sorry'].sort(),
    );
    // menu: balance, services, default; fetch_balance: success, failure; show_balance and
    // services: default.
    expect(await page.locator('g.edge').count()).toBe(7);
    expect(
      await page
        .locator('g.edge[data-kind=api_success][data-from=fetch_balance][data-to=show_balance]')
        .count(),
    ).toBe(1);
    const failure = page.locator(
      'g.edge[data-kind=api_failure][data-from=fetch_balance][data-to=sorry]',
    );
    expect(await failure.locator('path.edge-line').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await page.locator('g.node.start').getAttribute('data-state')).toBe('menu');
    expect(
      await page
        .locator('g.node.end')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')).sort()),
    ).toEqual(['old_promo', 'sorry']);
    expect(await page.locator('g.node.unreachable').getAttribute('data-state')).toBe('old_promo');
    expect(await page.getByTestId('map-legend').innerText()).toContain('API failure');

    // Clicking a box puts the cursor on that state's key.
    await page.locator('g.node[data-state=show_balance]').click();
    const key = text.indexOf('"show_balance": {');
    expect(await selection()).toEqual([key, key + '"show_balance"'.length]);
  });

  it('chats with the draft: trace of each turn beside the messages, current state on the map', async () => {
    await page.getByTestId('preview').click();
    const greeting = page.locator('[data-testid=bot-message]', {
      hasText: 'Karibu! What do you need?',
    });
    await greeting.waitFor({ timeout: 15_000 });
    // Preview saved the draft first.
    const stored = await t
      .http()
      .get(`/api/dev/v1/chatbots/${chatbotId}/flows/${flowId}`)
      .set(auth)
      .expect(200);
    expect(stored.body.flow).toEqual(goodFlow(backend.url));
    expect(stored.body.status).toBe('draft');
    await page.locator('g.node.current[data-state=menu]').waitFor();
    await page
      .locator('[data-testid=trace-turn][data-turn="0"] [data-testid=trace-line]', {
        hasText: 'entered "menu"',
      })
      .waitFor();

    await greeting.locator('[data-testid=preview-option][data-id=balance]').click();
    await page
      .locator('[data-testid=bot-message]', { hasText: 'Your balance is 1200 TZS.' })
      .waitFor();
    await page.locator('g.node.current[data-state=show_balance]').waitFor();
    const turn1 = page.locator('[data-testid=trace-turn][data-turn="1"]');
    const apiLine = turn1.locator('[data-testid=trace-line][data-kind=api_call]');
    await apiLine.waitFor();
    expect(await apiLine.innerText()).toMatch(
      new RegExp(
        `^API_CALL GET ${backend.url}/balance → success 200 in \\d+ ms; route → "show_balance"$`,
      ),
    );
    const lines = await turn1.locator('[data-testid=trace-line]').allInnerTexts();
    expect(lines).toEqual(
      expect.arrayContaining([
        '"menu" → "fetch_balance": button / option chosen',
        'entered "fetch_balance"',
        '"fetch_balance" → "show_balance": routed by an action',
        'entered "show_balance"',
      ]),
    );
    expect(backend.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /balance']);
    await page
      .locator('[data-testid=preview-turn][data-turn="1"] [data-testid=turn-meta]', {
        hasText: '→ show_balance',
      })
      .waitFor();

    await page.screenshot({ path: screenshotPath('playground.png') });

    await page.getByTestId('preview-input').fill('thanks');
    await page.getByTestId('preview-send').click();
    await page
      .locator('[data-testid=preview-turn][data-turn="2"] [data-testid=user-message]', {
        hasText: 'thanks',
      })
      .waitFor();
    await page
      .locator('[data-testid=preview-turn][data-turn="2"] [data-testid=bot-message]', {
        hasText: 'Karibu!',
      })
      .waitFor();
    await page.locator('g.node.current[data-state=menu]').waitFor();
    await page
      .locator('[data-testid=trace-turn][data-turn="2"] [data-testid=trace-line]', {
        hasText: '"show_balance" → "menu": default transition',
      })
      .waitFor();
    // Preview sessions stay out of the conversation list.
    const conversations = await t
      .http()
      .get(`/api/dev/v1/chatbots/${chatbotId}/conversations`)
      .set(auth)
      .expect(200);
    expect(conversations.body.total).toBe(0);
  });

  it('previews a 12-option menu as USSD screens (paged) and as WhatsApp numbered text', async () => {
    const turn = page.locator('[data-testid=preview-turn][data-turn="2"]');
    await turn.locator('[data-testid=preview-option][data-id=services]').click();
    await page
      .locator('[data-testid=preview-turn][data-turn="3"] [data-testid=bot-message]', {
        hasText: 'Choose a service',
      })
      .waitFor();
    await page.locator('g.node.current[data-state=services]').waitFor();

    await page.getByTestId('tab-ussd').click();
    const phone = page.getByTestId('ussd-preview');
    await phone.waitFor();
    const screens = Number(await phone.getAttribute('data-screens'));
    expect(screens).toBeGreaterThan(1);
    const first = await page.getByTestId('ussd-screen').innerText();
    expect(first.startsWith('Choose a service\n1. Service number 1\n')).toBe(true);
    expect(first.endsWith('98. More')).toBe(true);
    expect(Array.from(first).length).toBeLessThanOrEqual(182);
    await page.getByTestId('ussd-more').click();
    await page
      .getByTestId('ussd-page')
      .filter({ hasText: `Screen 2 of ${screens}` })
      .waitFor();
    const second = await page.getByTestId('ussd-screen').innerText();
    expect(second).toContain('0. Back');

    await page.getByTestId('tab-whatsapp').click();
    const bubbles = page.locator('[data-testid=whatsapp-bubble]');
    await bubbles.first().waitFor();
    expect(await bubbles.count()).toBe(1);
    expect(await bubbles.first().getAttribute('data-kind')).toBe('text');
    const text = await bubbles.first().innerText();
    expect(text).toContain('1. Service number 1');
    expect(text).toContain('12. Service number 12');
    expect(await page.getByTestId('whatsapp-notes').innerText()).toContain('sent as numbered text');

    await page.getByTestId('tab-sms').click();
    expect(await page.getByTestId('sms-text').innerText()).toContain('12. Service number 12');
    expect(
      Number(await page.getByTestId('sms-segments').getAttribute('data-parts')),
    ).toBeGreaterThan(1);

    // An earlier turn can be looked at again: the greeting is two buttons on WhatsApp.
    await page.locator('[data-testid=preview-turn][data-turn="0"] [data-testid=turn-meta]').click();
    await page.getByTestId('tab-whatsapp').click();
    await page
      .locator('[data-testid=whatsapp-bubble][data-kind=buttons]', { hasText: 'Balance' })
      .waitFor();
    await page.locator('g.node.current[data-state=menu]').waitFor();
  });

  it('refuses to publish a flow with errors, then publishes the fixed one and lists the version', async () => {
    await page.locator('[data-testid=no-versions]').waitFor();
    await paste(JSON.stringify(brokenFlow(backend.url), null, 2));
    await page.getByTestId('publish').click();
    await page.locator('[data-testid=issues-title]', { hasText: 'Publish refused' }).waitFor();
    await page
      .locator(
        '[data-testid=issue][data-severity=error][data-path="states.menu.transitions.balance"]',
      )
      .waitFor();
    await page
      .locator('[data-testid=status][data-tone=error]', { hasText: 'Publish refused' })
      .waitFor();

    await paste(JSON.stringify(goodFlow(backend.url), null, 2));
    await page.getByTestId('publish').click();
    await page.locator('[data-testid=status]', { hasText: 'Published version 1.' }).waitFor();
    await page.locator('[data-testid=version-item][data-version="1"]').waitFor();
    await page
      .locator('[data-testid=flow-item][data-status=published]', { hasText: 'Main menu' })
      .waitFor();
    expect(await page.getByTestId('dirty').isHidden()).toBe(true);

    const versions = await t
      .http()
      .get(`/api/dev/v1/chatbots/${chatbotId}/flows/${flowId}/versions`)
      .set(auth)
      .expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
  });
});
