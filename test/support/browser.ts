import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export { CHROMIUM, launchBrowser, startPageServer } from '../../bench/support/chromium';

/** Where browser tests save their screenshots (the README shows two of them). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}
