import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchBrowser, screenshotPath, startPageServer } from './support/browser';
import { publishedBot } from './support/flows';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The chat widget in a real Chromium, on a page of another origin, against the real app and
 * database: what a business's visitor does (web.md, "Tests"). It loads dist/web/widget.js:
 * `npm test` builds it first (run `npm run build` before running this file alone).
 */

const shopFlow = {
  start: 'menu',
  states: {
    menu: {
      message: 'Karibu Duka! Our hours: https://shop.example/hours\nHow can we help?',
      buttons: [
        { id: 'shop', title: 'Shop' },
        { id: 'talk', title: 'Talk to us' },
      ],
      transitions: { shop: 'pick', talk: 'wait_agent' },
    },
    pick: {
      message: 'Pick a fruit',
      list: {
        button_text: 'Fruits',
        sections: [
          {
            title: 'Fresh today',
            rows: [
              { id: 'mango', title: 'Mango', description: 'Sweet and ripe' },
              { id: 'pawpaw', title: 'Pawpaw' },
            ],
          },
        ],
      },
      transitions: { mango: 'mango', pawpaw: 'mango' },
    },
    mango: {
      message: 'Mangoes are in season.\nWhat is your name?',
      input: { save_to: 'name' },
      transitions: { default: 'thanks' },
    },
    thanks: {
      message: 'Asante {{name}}! Say anything to see the menu again.',
      transitions: { default: 'menu' },
    },
    wait_agent: { message: 'Someone will answer here soon.', transitions: { default: 'menu' } },
  },
};

const GREETING = 'Karibu Duka!';

describe('Chat widget in a browser', () => {
  let t: TestApp;
  let auth: { Authorization: string };
  let bot: Awaited<ReturnType<typeof publishedBot>>;
  let gateway: string;
  let widgetKey: string;
  let browser: Browser;
  let chromium: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let site: Awaited<ReturnType<typeof startPageServer>>;
  let otherSite: Awaited<ReturnType<typeof startPageServer>>;

  // A shop's page. Its rules for buttons and divs would wreck the widget if they reached in
  // (it has none of its own, so it still looks like a page in the screenshot).
  const page = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Duka</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { font: 18px/1.5 Georgia, serif; margin: 40px; color: #222 }
 button, div { font-size: 40px !important; background: #f0f !important; color: #0f0 !important }</style>
</head><body><h1>Duka la Matunda</h1><p>Fresh fruit, delivered in Dar es Salaam.</p>
<p><a href="#products">See our products</a></p>
<script src="${gateway}/widget.js" data-widget-key="${widgetKey}" async></script>
</body></html>`;

  beforeAll(async () => {
    t = await startTestApp();
    await t.handle.app.listen(0, '127.0.0.1');
    // getUrl() may answer with an IPv6 form; the page needs the address the app listens on.
    const { port } = t.handle.app.getHttpServer().address() as AddressInfo;
    gateway = `http://127.0.0.1:${port}`;
    ({ auth } = await t.newWorkspace());
    bot = await publishedBot(t, auth, shopFlow, 'Duka');

    site = await startPageServer({});
    otherSite = await startPageServer({}, 'localhost');
    const created = await t
      .http()
      .post(`${bot.base}/integrations`)
      .set(auth)
      .send({ type: 'web', name: 'site', allowed_origins: [site.origin] })
      .expect(201);
    widgetKey = created.body.widget_key;
    // the same page on both: the widget's key is allowed on the first origin only
    site.set('/', page());
    otherSite.set('/', page());

    chromium = await launchBrowser();
    browser = chromium.browser;
  });

  afterAll(async () => {
    await chromium?.close();
    await site?.close();
    await otherSite?.close();
    await t?.close();
  });

  /** Every answer of the widget API the page got, with its status. */
  function watchApi(p: Page): { method: string; path: string; status: number }[] {
    const seen: { method: string; path: string; status: number }[] = [];
    p.on('response', (r: Response) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/widget/v1/'))
        seen.push({
          method: r.request().method(),
          path: url.pathname.replace(`/widget/v1/${widgetKey}`, ''),
          status: r.status(),
        });
    });
    return seen;
  }

  const stored = async (p: Page) =>
    JSON.parse(
      (await p.evaluate((k) => localStorage.getItem(k), `sarufi-widget:${widgetKey}`)) ?? 'null',
    );

  /** The data-testid of the element focused inside the widget's shadow root. */
  const focusedInWidget = (p: Page) =>
    p.evaluate(() => {
      const host = document.activeElement;
      if (host?.tagName !== 'SARUFI-CHAT-WIDGET') return null;
      return host.shadowRoot?.activeElement?.getAttribute('data-testid') ?? null;
    });

  /** The text of the element focused inside the widget's shadow root. */
  const focusedText = (p: Page) =>
    p.evaluate(
      () => document.querySelector('sarufi-chat-widget')?.shadowRoot?.activeElement?.textContent,
    );

  describe('one visitor on an allowed site', () => {
    let context: BrowserContext;
    let p: Page;
    let api: ReturnType<typeof watchApi>;

    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
      p = await context.newPage();
      api = watchApi(p);
    });

    afterAll(async () => {
      await context.close();
    });

    it('greets, then answers a button, a list row and typed text', async () => {
      await p.goto(`${site.origin}/`);
      const launcher = p.locator('[data-testid=launcher]');
      await launcher.waitFor();
      expect(await launcher.getAttribute('aria-label')).toBe('Open chat: Duka');
      expect(await p.locator('[data-testid=panel]').isVisible()).toBe(false);

      await launcher.click();
      const log = p.locator('[data-testid=log]');
      await expect(log.getAttribute('role')).resolves.toBe('log');
      await expect(log.getAttribute('aria-live')).resolves.toBe('polite');
      const greeting = p.locator('.msg.bot', { hasText: GREETING });
      await greeting.waitFor();
      // line breaks kept, the link made a safe anchor
      expect(await greeting.locator('p.text').first().innerText()).toContain(
        'https://shop.example/hours\nHow can we help?',
      );
      const link = greeting.locator('a');
      expect(await link.getAttribute('href')).toBe('https://shop.example/hours');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(await focusedInWidget(p)).toBe('input');

      await p.locator('button.choice', { hasText: 'Shop' }).click();
      await p.locator('.msg.user', { hasText: 'Shop' }).waitFor();
      const list = p.locator('.msg.bot', { hasText: 'Pick a fruit' });
      await list.waitFor();
      await expect(list.locator('.section').innerText()).resolves.toMatch(/fresh today/i);
      await expect(list.locator('[role=group]').getAttribute('aria-label')).resolves.toBe('Fruits');
      // the answered question's buttons stay, disabled
      expect(await p.locator('button.choice', { hasText: 'Shop' }).isDisabled()).toBe(true);
      // the host page's `button, div` rules did not reach into the shadow root
      const style = await list
        .locator('button.choice')
        .first()
        .evaluate((b) => [getComputedStyle(b).fontSize, getComputedStyle(b).backgroundColor]);
      expect(style).toEqual(['15px', 'rgb(255, 255, 255)']);

      await list.locator('button.choice', { hasText: 'Mango' }).click();
      await p.locator('.msg.bot', { hasText: 'Mangoes are in season.' }).waitFor();
      expect(await p.locator('.msg.user').last().innerText()).toContain('Mango');

      await p.locator('[data-testid=input]').fill('Juma');
      await p.locator('[data-testid=input]').press('Enter');
      await p.locator('.msg.bot', { hasText: 'Asante Juma!' }).waitFor();
      expect(await p.locator('[data-testid=input]').inputValue()).toBe('');
      expect(await p.locator('[data-testid=typing]').isVisible()).toBe(false);

      const texts = await p
        .locator('.msg')
        .evaluateAll((els) =>
          els.map((e) => `${e.classList.contains('user') ? 'user' : 'bot'}: ${e.textContent}`),
        );
      expect(texts.map((s) => s.replace(/^(user|bot): (You|Bot): /, '$1: '))).toEqual([
        expect.stringMatching(/^bot: Karibu Duka!/),
        'user: Shop',
        expect.stringMatching(/^bot: Pick a fruit/),
        'user: Mango',
        expect.stringMatching(/^bot: Mangoes are in season/),
        'user: Juma',
        'bot: Asante Juma! Say anything to see the menu again.',
      ]);

      const saved = await stored(p);
      expect(saved).toEqual({
        visitor_id: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        session_id: expect.stringMatching(/^[0-9A-Z]{26}$/),
        visitor_token: expect.any(String),
      });
      expect(api.filter((a) => a.method === 'POST' && a.path === '/sessions')).toEqual([
        { method: 'POST', path: '/sessions', status: 201 },
      ]);
      expect(api.every((a) => a.status < 400)).toBe(true);
    });

    it('redraws the conversation after a reload and carries on', async () => {
      const before = await stored(p);
      const countBefore = await p.locator('.msg').count();
      api.length = 0;
      const streamRequests: Record<string, string>[] = [];
      p.on('request', (r) => {
        if (r.url().endsWith('/events')) streamRequests.push(r.headers());
      });

      await p.reload();
      await p.locator('[data-testid=launcher]').click();
      await p.locator('.msg.bot', { hasText: 'Asante Juma!' }).waitFor();
      expect(await p.locator('.msg').count()).toBe(countBefore);
      expect(await p.locator('.msg.user').allInnerTexts()).toEqual([
        expect.stringContaining('Shop'),
        expect.stringContaining('Mango'),
        expect.stringContaining('Juma'),
      ]);
      // every earlier question was answered: none of its buttons can be pressed again
      expect(await p.locator('button.choice:enabled').count()).toBe(0);
      expect(await stored(p)).toEqual(before);
      expect(api.some((a) => a.method === 'POST' && a.path === '/sessions')).toBe(false);
      expect(api).toContainEqual({
        method: 'GET',
        path: `/sessions/${before.session_id}/messages`,
        status: 200,
      });

      // the event stream resumes after the newest message drawn
      const history = await t
        .http()
        .get(`${bot.base}/conversations/${before.session_id}/messages`)
        .set(auth)
        .expect(200);
      const items = (history.body.items ?? history.body.data) as { id: string }[];
      await expectEventually(() => streamRequests.length > 0);
      expect(streamRequests[0]['last-event-id']).toBe(items[items.length - 1].id);
      expect(streamRequests[0].authorization).toBe(`Visitor ${before.visitor_token}`);

      await p.locator('[data-testid=input]').fill('menu please');
      await p.locator('[data-testid=send]').click();
      await expectEventually(
        async () => (await p.locator('.msg.bot', { hasText: GREETING }).count()) === 2,
      );
      expect(await p.locator('button.choice:enabled').allInnerTexts()).toEqual([
        'Shop',
        'Talk to us',
      ]);
      expect((await stored(p)).session_id).toBe(before.session_id);
    });

    it('shows a person’s reply that comes over the event stream, once', async () => {
      const { session_id } = await stored(p);
      await p.locator('button.choice:enabled', { hasText: 'Talk to us' }).click();
      await p.locator('.msg.bot', { hasText: 'Someone will answer here soon.' }).waitFor();

      await t
        .http()
        .post(`${bot.base}/conversations/${session_id}/messages`)
        .set(auth)
        .send({
          message: { type: 'text', text: 'Hi, this is Amina' },
          agent: { id: 'a1', name: 'Amina' },
        })
        .expect(201);
      const reply = p.locator('.msg.bot', { hasText: 'Hi, this is Amina' });
      await reply.waitFor({ timeout: 15_000 });
      await expect(reply.locator('.agent').innerText()).resolves.toBe('Agent');
      // give a duplicate (a reconnect replaying it) the time to show up: it must not
      await p.waitForTimeout(2500);
      expect(await reply.count()).toBe(1);

      await p.screenshot({ path: screenshotPath('widget.png') });

      // A reply and a typed message in Arabic read right to left, English left to right
      const arabic = 'مرحبا، كيف أساعدك؟';
      await t
        .http()
        .post(`${bot.base}/conversations/${session_id}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text: arabic }, agent: { id: 'a1', name: 'Amina' } })
        .expect(201);
      const rtl = p.locator('.msg.bot', { hasText: arabic }).locator('p.text');
      await rtl.waitFor({ timeout: 15_000 });
      const direction = (l: ReturnType<Page['locator']>) =>
        l.evaluate((e) => getComputedStyle(e).direction);
      expect(await direction(rtl)).toBe('rtl');
      expect(await direction(reply.locator('p.text'))).toBe('ltr');
      await p.locator('[data-testid=input]').fill('شكرا');
      expect(await direction(p.locator('[data-testid=input]'))).toBe('rtl');
      await p.locator('[data-testid=input]').fill('');

      // With the panel (and its aria-live log) closed, a reply is still announced
      const announcer = p.locator('[data-testid=announcer]');
      await p.keyboard.press('Escape');
      await p.locator('[data-testid=panel]').waitFor({ state: 'hidden' });
      await t
        .http()
        .post(`${bot.base}/conversations/${session_id}/messages`)
        .set(auth)
        .send({ message: { type: 'text', text: 'Still there?' }, agent: { id: 'a1' } })
        .expect(201);
      await p.locator('.msg.bot', { hasText: 'Still there?' }).waitFor({ state: 'attached' });
      expect(await announcer.getAttribute('role')).toBe('status');
      expect(await announcer.textContent()).toBe('New message in Duka');
      expect(await p.locator('[data-testid=launcher]').getAttribute('aria-label')).toBe(
        'Open chat: Duka (new messages)',
      );
      await p.locator('[data-testid=launcher]').click();
      expect(await announcer.textContent()).toBe('');
    });
  });

  it('works with the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    try {
      const p = await context.newPage();
      await p.goto(`${site.origin}/`);
      await p.locator('[data-testid=launcher]').waitFor();
      for (let i = 0; i < 5 && (await focusedInWidget(p)) !== 'launcher'; i++)
        await p.keyboard.press('Tab');
      expect(await focusedInWidget(p)).toBe('launcher');

      await p.keyboard.press('Enter');
      await p.locator('[data-testid=panel]').waitFor({ state: 'visible' });
      expect(await focusedInWidget(p)).toBe('input');
      await p.locator('.msg.bot', { hasText: GREETING }).waitFor();
      expect(await p.locator('[data-testid=launcher]').getAttribute('aria-expanded')).toBe('true');

      // Shift+Tab from the input reaches the newest question's buttons; Enter presses one
      await p.keyboard.press('Shift+Tab');
      expect(await focusedText(p)).toBe('Talk to us');
      await p.keyboard.press('Shift+Tab');
      expect(await focusedText(p)).toBe('Shop');
      await p.keyboard.press('Enter');
      await p.locator('.msg.bot', { hasText: 'Pick a fruit' }).waitFor();
      // the pressed button is disabled now; focus went back to the input
      expect(await focusedInWidget(p)).toBe('input');

      await p.keyboard.type('Mango');
      await p.keyboard.press('Enter');
      await p.locator('.msg.user', { hasText: 'Mango' }).waitFor();
      await p.locator('.msg.bot', { hasText: 'Mangoes are in season.' }).waitFor();
      expect(await focusedInWidget(p)).toBe('input');

      await p.keyboard.press('Escape');
      await p.locator('[data-testid=panel]').waitFor({ state: 'hidden' });
      expect(await focusedInWidget(p)).toBe('launcher');
      expect(await p.locator('[data-testid=launcher]').getAttribute('aria-expanded')).toBe('false');
    } finally {
      await context.close();
    }
  });

  it('keeps two tabs of one visitor in step', async () => {
    const context = await browser.newContext();
    try {
      const a = await context.newPage();
      await a.goto(`${site.origin}/`);
      await a.locator('[data-testid=launcher]').click();
      await a.locator('.msg.bot', { hasText: GREETING }).waitFor();
      const b = await context.newPage();
      await b.goto(`${site.origin}/`);
      await b.locator('[data-testid=launcher]').click();
      await b.locator('.msg.bot', { hasText: GREETING }).waitFor();
      expect((await stored(b)).session_id).toBe((await stored(a)).session_id);

      // A answers the menu: B shows that turn too, and its menu can no longer be pressed
      await a.locator('button.choice', { hasText: 'Shop' }).click();
      await a.locator('.msg.bot', { hasText: 'Pick a fruit' }).waitFor();
      await b.locator('.msg.bot', { hasText: 'Pick a fruit' }).waitFor();
      expect(await b.locator('button.choice:enabled').allInnerTexts()).toEqual([
        expect.stringContaining('Mango'),
        expect.stringContaining('Pawpaw'),
      ]);

      // B answers the list: A shows it, each message once
      await b.locator('button.choice:enabled', { hasText: 'Mango' }).click();
      await a.locator('.msg.bot', { hasText: 'Mangoes are in season.' }).waitFor();
      const texts = (p: Page) =>
        p.locator('.msg').evaluateAll((els) => els.map((e) => e.textContent));
      await expectEventually(async () => (await texts(b)).length === 5);
      expect(await texts(a)).toEqual(await texts(b));
      expect(await texts(a)).toEqual([
        expect.stringContaining(GREETING),
        'You: Shop',
        expect.stringContaining('Pick a fruit'),
        'You: Mango',
        expect.stringContaining('Mangoes are in season.'),
      ]);
    } finally {
      await context.close();
    }
  });

  it('marks a choice that could not be sent, and lets it be pressed again', async () => {
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      await p.goto(`${site.origin}/`);
      await p.locator('[data-testid=launcher]').click();
      await p.locator('.msg.bot', { hasText: GREETING }).waitFor();

      await context.setOffline(true);
      await p.locator('button.choice', { hasText: 'Shop' }).click();
      await p.locator('[data-testid=notice]', { hasText: 'no connection' }).waitFor();
      const unsent = p.locator('.msg.user', { hasText: 'Shop' });
      await expect(unsent.locator('.failed-mark').innerText()).resolves.toBe('Not sent');
      expect(await p.locator('button.choice:enabled').allInnerTexts()).toEqual([
        'Shop',
        'Talk to us',
      ]);

      await context.setOffline(false);
      await p.locator('button.choice:enabled', { hasText: 'Shop' }).click();
      await p.locator('.msg.bot', { hasText: 'Pick a fruit' }).waitFor();
      expect(await p.locator('button.choice:enabled', { hasText: 'Shop' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('stays out of a site the integration does not allow', async () => {
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      // The refusal carries no CORS header, so the page (and Playwright's 'response' event)
      // only sees a failed request; the DevTools protocol still reports the answer's status.
      const cdp = await context.newCDPSession(p);
      await cdp.send('Network.enable');
      // Events are kept by request id and named by URL at the end: Chromium may report the
      // ExtraInfo of a request before its requestWillBeSent.
      const statuses: { requestId: string; status: number }[] = [];
      const failed: { requestId: string; cors?: string }[] = [];
      const urls = new Map<string, string>();
      cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
      // ExtraInfo is the raw answer off the wire, reported before any CORS check
      cdp.on('Network.responseReceivedExtraInfo', (e) =>
        statuses.push({ requestId: e.requestId, status: e.statusCode }),
      );
      cdp.on('Network.loadingFailed', (e) =>
        failed.push({ requestId: e.requestId, cors: e.corsErrorStatus?.corsError }),
      );
      const answers = () =>
        statuses.map(({ requestId, status }) => ({ url: urls.get(requestId) ?? '', status }));
      const failures = () =>
        failed.map(({ requestId, cors }) => ({ url: urls.get(requestId) ?? '', cors }));
      await p.goto(`${otherSite.origin}/`);
      expect(otherSite.origin).not.toBe(site.origin);
      await expectEventually(
        () =>
          failures().some((f) => f.url.endsWith('/config')) &&
          answers().some((a) => a.url.endsWith('/config')),
      );
      await p.waitForTimeout(500);

      const api = answers().filter((a) => a.url.includes('/widget/v1/'));
      expect(api).toEqual([{ url: `${gateway}/widget/v1/${widgetKey}/config`, status: 403 }]);
      expect(failures()).toEqual([
        { url: `${gateway}/widget/v1/${widgetKey}/config`, cors: 'MissingAllowOriginHeader' },
      ]);
      expect(await p.locator('sarufi-chat-widget').count()).toBe(0);
      expect(await p.locator('[data-testid=launcher]').count()).toBe(0);
      expect(await p.locator('.msg').count()).toBe(0);
      expect(await stored(p)).toBeNull();
    } finally {
      await context.close();
    }
  });
});

async function expectEventually(check: () => boolean | Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
