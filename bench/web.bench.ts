/**
 * The web widget's size and its time to the first greeting: `npm run bench:web`.
 *
 * 1. Size: dist/web/widget.js gzipped (level 9), against the budget of 25 KB.
 * 2. Time to first greeting: the built server runs as a child process on a fresh PostgreSQL
 *    database with one published menu flow and a web integration (`start_open`) allowing a
 *    loopback page origin. Debian's Chromium loads two pages from that origin, alternating,
 *    each in a fresh browser context (no cache, no stored visitor):
 *    - widget: the embed snippet; timed until the greeting is drawn in the widget's panel;
 *    - baseline: the least any embed must do, an inline script that POSTs the same session
 *      create to the widget API and writes the greeting into the page.
 *    The ratio is widget over baseline at the median: what loading, drawing and the config
 *    request of the widget add to the one round trip a greeting needs.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_LOADS (20 page loads of each), BENCH_LOG_LEVEL (warn).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import {
  envInt,
  machineLines,
  ms,
  ROOT,
  runBench,
  stats,
  table,
  verdict,
} from './support/bench-kit';
import { launchBrowser, startPageServer } from './support/chromium';
import { startMenuServer } from './support/menu-load';

const BUDGET_BYTES = 25 * 1024;
/** The greeting of the bench's menu flow (bench/support/menu-load.ts). */
const GREETING = 'Karibu Duka';

const widgetPage = (gateway: string, key: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><script src="${gateway}/widget.js" data-widget-key="${key}" async></script></body></html>`;

const baselinePage = (gateway: string, key: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body><h1>Shop</h1><div id="greeting"></div><script>
fetch(${JSON.stringify(`${gateway}/widget/v1/${key}/sessions`)}, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}'
}).then((r) => r.json()).then((s) => {
  document.getElementById('greeting').textContent = s.messages[0].text;
});
</script></body></html>`;

/** Milliseconds from navigation to the greeting drawn, in a fresh context. */
async function timeToGreeting(browser: Browser, url: string, widget: boolean): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const seen: string[] = [];
    page.on('response', (r) => seen.push(`${r.status()} ${r.url()}`));
    page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    const drawn = widget
      ? page.locator('.msg.bot', { hasText: GREETING }).first()
      : page.locator('#greeting', { hasText: GREETING });
    await drawn.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nthe page got:\n${seen.join('\n')}\n${await page.content()}`);
    });
    return performance.now() - started;
  } finally {
    await context.close();
  }
}

async function main(): Promise<number> {
  console.log(['bench:web', ...machineLines()].join('\n'));
  const gz = gzipSync(readFileSync(join(ROOT, 'dist', 'web', 'widget.js')), { level: 9 }).length;
  const sizeOk = gz <= BUDGET_BYTES;
  console.log(
    `\nwidget.js gzipped: ${(gz / 1024).toFixed(1)} KB; budget ${BUDGET_BYTES / 1024} KB; ` +
      `ratio ${(gz / BUDGET_BYTES).toFixed(2)}: ${verdict(sizeOk)}`,
  );

  const loads = envInt('BENCH_LOADS', 20);
  const pages = await startPageServer({});
  const server = await startMenuServer('web', {}, 2);
  if (!server) {
    await pages.close();
    return 1;
  }
  const chromium = await launchBrowser();
  try {
    const { client, chatbotId, child } = server;
    const web = await client.expect<{ widget_key: string }>(
      201,
      'POST',
      `/api/dev/v1/chatbots/${chatbotId}/integrations`,
      { type: 'web', name: 'shop', allowed_origins: [pages.origin], start_open: true },
    );
    const gateway = child.baseUrl.replace(/\/$/, '');
    pages.set('/widget', widgetPage(gateway, web.widget_key));
    pages.set('/baseline', baselinePage(gateway, web.widget_key));

    // Warm-up: one load of each (the server's first requests, Chromium's first start).
    await timeToGreeting(chromium.browser, `${pages.origin}/widget`, true);
    await timeToGreeting(chromium.browser, `${pages.origin}/baseline`, false);
    const widget: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < loads; i++) {
      widget.push(await timeToGreeting(chromium.browser, `${pages.origin}/widget`, true));
      baseline.push(await timeToGreeting(chromium.browser, `${pages.origin}/baseline`, false));
    }
    const w = stats(widget);
    const b = stats(baseline);
    console.log(
      `\ntime to first greeting, ${loads} page loads each, fresh browser context every load:\n`,
    );
    console.log(
      table([
        ['page', 'p50', 'p95', 'max'],
        ['widget (widget.js)', ms(w.p50, 1), ms(w.p95, 1), ms(w.max, 1)],
        ['baseline (one fetch)', ms(b.p50, 1), ms(b.p95, 1), ms(b.max, 1)],
      ]),
    );
    console.log(`\nratio widget / baseline at p50: ${(w.p50 / b.p50).toFixed(2)}×`);
    return sizeOk ? 0 : 1;
  } finally {
    await chromium.close();
    await server.stop();
    await pages.close();
  }
}

runBench(main);
