import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { signEvent, verifyEventSignature } from './event-signature';

describe('event signatures', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"01J","type":"handoff.requested"}';
  const now = 1_780_000_000;

  it('verifies what it signed', () => {
    const header = signEvent(secret, body, now);
    expect(header).toMatch(/^t=1780000000,v1=[0-9a-f]{64}$/);
    expect(verifyEventSignature(secret, header, body, now + 10)).toBe(true);
  });

  it.each([
    ['a changed body', (h: string) => [h, body.replace('handoff', 'hand0ff')]],
    ['another secret', (_h: string) => [signEvent('whsec_other', body, now), body]],
    ['a changed time', (h: string) => [h.replace(`t=${now}`, `t=${now + 1}`), body]],
    ['a missing header', (_h: string) => [undefined, body]],
    ['a malformed header', (_h: string) => ['v1=abc', body]],
  ])('refuses %s', (_what, tamper) => {
    const [header, sent] = tamper(signEvent(secret, body, now)) as [string | undefined, string];
    expect(verifyEventSignature(secret, header, sent, now)).toBe(false);
  });

  it('refuses an old event (a replay), and accepts one within the tolerance', () => {
    const header = signEvent(secret, body, now);
    expect(verifyEventSignature(secret, header, body, now + 301)).toBe(false);
    expect(verifyEventSignature(secret, header, body, now + 299)).toBe(true);
  });

  it('accepts any of several v1 signatures (a receiver during a secret rotation)', () => {
    const header = `${signEvent(secret, body, now)},v1=${'0'.repeat(64)}`;
    expect(verifyEventSignature(secret, header, body, now)).toBe(true);
  });
});

describe('the verifier shown in docs/events.md', () => {
  /** The receiver's code exactly as the docs show it, run here. */
  const documented = (() => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'events.md'), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(doc)![1];
    return runInNewContext(`${code}; verifySarufiEvent`, { require, Buffer }) as (
      secret: string,
      header: string | undefined,
      body: string,
      now?: number,
    ) => boolean;
  })();
  const secret = 'whsec_docs';
  const body = '{"id":"01J","type":"message.sent"}';
  const now = 1_780_000_000;

  it('accepts what the server signs', () => {
    expect(documented(secret, signEvent(secret, body, now), body, now)).toBe(true);
  });

  it('refuses a tampered body, another secret and an old signature', () => {
    const header = signEvent(secret, body, now);
    expect(documented(secret, header, body.replace('sent', 'sant'), now)).toBe(false);
    expect(documented('whsec_other', header, body, now)).toBe(false);
    expect(documented(secret, header, body, now + 301)).toBe(false);
  });
});
