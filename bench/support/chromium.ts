import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run` when missing); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless Chromium without any of its own network traffic: the machines that run
 * the tests have no internet, and nothing may leave loopback. Playwright gives every launch a
 * fresh temporary profile of its own (it refuses `--user-data-dir` in the arguments).
 */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/**
 * Serves HTML pages on a loopback port (a business's site that embeds the widget); `set`
 * adds or replaces one once its content is known (it names the server's own origin).
 */
export async function startPageServer(
  pages: Record<string, string>,
  host = '127.0.0.1',
): Promise<{ origin: string; set(path: string, html: string): void; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = pages[(req.url ?? '/').split('?')[0]];
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    set: (path, html) => {
      pages[path] = html;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
