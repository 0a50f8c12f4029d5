import { DomainError } from '../../common/domain-error';
import { SecretBox } from '../crypto/secret-box';
import type { IntegrationRow } from '../integration-row';
import { smsIntegrationType as sms } from './sms.integration-type';

const box = new SecretBox({ current: Buffer.alloc(32, 3) });
const view = (row: IntegrationRow) => sms.view(row, { publicBaseUrl: 'https://gw.example' });

function row(body: Record<string, unknown>): IntegrationRow {
  const sealed = sms.create(body, box);
  return {
    id: '01JSMS0000000000000000000A',
    chatbot_id: '01JBOT0000000000000000000A',
    type: 'sms',
    name: sealed.name,
    config: sealed.config,
    secrets: sealed.secrets,
    key_id: sealed.keyId,
    webhook_token: sealed.webhookToken ?? null,
    address: null,
    health: null,
    created_at: new Date(0),
    updated_at: new Date(0),
  };
}

function paths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return (err.errors ?? []).map((e) => e.path);
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('sms integration type', () => {
  it("should store Africa's Talking by default, its api_key sealed and shown as ***", () => {
    const r = row({ name: 'sms', username: 'duka', api_key: 'atsk_secret_1', sender_id: 'DUKA' });
    expect(JSON.stringify(r.config)).not.toContain('atsk_secret_1');
    expect(box.decrypt(r.secrets!)).toContain('atsk_secret_1');
    expect(view(r)).toEqual({
      provider: 'africastalking',
      api_base: 'https://api.africastalking.com',
      username: 'duka',
      sender_id: 'DUKA',
      api_key: '***',
      opt_out_keywords: [],
      webhook_token: r.webhook_token,
      webhook_url: `https://gw.example/webhooks/sms/${r.id}/${r.webhook_token}`,
    });
    expect(r.webhook_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("should require each provider's own credentials and refuse another's", () => {
    expect(
      paths(() => sms.create({ name: 'x', provider: 'twilio', account_sid: 'AC1' }, box)),
    ).toEqual(['auth_token', 'from']);
    expect(
      paths(() =>
        sms.create(
          {
            name: 'x',
            provider: 'beem',
            api_key: 'k',
            secret_key: 's',
            sender_id: 'B',
            username: 'u',
          },
          box,
        ),
      ),
    ).toEqual(['username']);
    expect(paths(() => sms.create({ name: 'x', username: 'u', api_key: '***' }, box))).toEqual([
      'api_key',
    ]);
    expect(
      paths(() =>
        sms.create(
          {
            name: 'x',
            username: 'u',
            api_key: 'k',
            api_base: 'ftp://x',
            opt_out_keywords: ['two words'],
          },
          box,
        ),
      ),
    ).toEqual(['api_base', 'opt_out_keywords[0]']);
  });

  it('should refuse an opt-out keyword that is an opt-in word, once per word, as messages are read', () => {
    const body = {
      name: 'x',
      username: 'u',
      api_key: 'k',
      opt_out_keywords: ['ACHA', ' START', 'start!', 'Start'],
    };
    // ' START' is refused by the schema (a space) and not a second time.
    expect(paths(() => sms.create(body, box))).toEqual([
      'opt_out_keywords[1]',
      'opt_out_keywords[2]',
      'opt_out_keywords[3]',
    ]);
    const r = row({ name: 'x', username: 'u', api_key: 'k' });
    expect(paths(() => sms.patch(r, { opt_out_keywords: ['START'] }, box))).toEqual([
      'opt_out_keywords[0]',
    ]);
    // A list stored before the check is kept by a PATCH that does not send it.
    const stored = { ...r, config: { ...(r.config as object), opt_out_keywords: ['START'] } };
    expect(sms.patch(stored, { name: 'y' }, box).config).toMatchObject({
      opt_out_keywords: ['START'],
    });
  });

  it('should keep a secret sent back as ***, replace one sent anew, and rotate the token', () => {
    const r = row({
      name: 'sms',
      provider: 'twilio',
      account_sid: 'AC1',
      auth_token: 'tw_secret',
      from: '+15550001',
    });
    const kept = sms.patch(r, { ...view(r), from: '+15550002' }, box);
    expect(box.decrypt(kept.secrets!)).toContain('tw_secret');
    expect(kept.config).toMatchObject({ fields: { account_sid: 'AC1', from: '+15550002' } });
    expect(kept.webhookToken).toBeUndefined();
    const replaced = sms.patch(r, { auth_token: 'tw_new', rotate_webhook_token: true }, box);
    expect(box.decrypt(replaced.secrets!)).toContain('tw_new');
    expect(replaced.webhookToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // Moving to another provider needs that provider's credentials.
    expect(paths(() => sms.patch(r, { provider: 'beem' }, box))).toEqual([
      'api_key',
      'secret_key',
      'sender_id',
    ]);
    expect(paths(() => sms.patch(r, { webhook_token: 'nope' }, box))).toEqual(['webhook_token']);
  });
});
