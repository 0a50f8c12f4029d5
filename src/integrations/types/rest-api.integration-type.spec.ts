import { DomainError } from '../../common/domain-error';
import { SecretBox } from '../crypto/secret-box';
import type { IntegrationRow } from '../integration-row';
import { restApiIntegrationType as restApi } from './rest-api.integration-type';
import type { SealedIntegration } from './integration-type';

const box = new SecretBox({ current: Buffer.alloc(32, 5) });
const HOOK = 'https://crm.example/sarufi/replies?tenant=7';

function row(sealed: SealedIntegration): IntegrationRow {
  return {
    id: '01JREST000000000000000000A',
    chatbot_id: '01JBOT0000000000000000000A',
    type: 'rest-api',
    name: sealed.name,
    config: sealed.config,
    secrets: sealed.secrets,
    key_id: sealed.keyId,
    webhook_token: null,
    address: null,
    health: null,
    created_at: new Date(0),
    updated_at: new Date(0),
  };
}

const secretOf = (r: IntegrationRow) =>
  (JSON.parse(box.decrypt(r.secrets!)) as { webhook_secret: string }).webhook_secret;

function errors(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.errors ?? [];
    throw err;
  }
  throw new Error('expected a validation error');
}
const paths = (fn: () => unknown) => errors(fn).map((e) => e.path);

describe('rest-api integration type', () => {
  it('should make a whsec_ secret, sealed, revealed once, and shown as *** in the view', () => {
    const sealed = restApi.create({ type: 'rest-api', name: 'crm', webhook_url: HOOK }, box);
    const r = row(sealed);
    const secret = secretOf(r);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(sealed.revealed).toEqual({ webhook_secret: secret });
    expect(JSON.stringify(r.config)).not.toContain(secret);
    expect(restApi.view(r, { publicBaseUrl: 'https://gw.example' })).toEqual({
      webhook_url: HOOK,
      webhook_secret: '***',
      messages_url: `https://gw.example/api/dev/v1/chatbots/${r.chatbot_id}/channels/rest-api/${r.id}/messages`,
    });
    expect(sealed.address).toBeUndefined();
    expect(sealed.webhookToken).toBeUndefined();
  });

  it('should refuse bad fields with their paths', () => {
    expect(paths(() => restApi.create({ name: 'x' }, box))).toEqual(['webhook_url']);
    for (const webhook_url of [
      'ftp://crm.example/x',
      '/relative',
      'https://user:pw@crm.example/x',
      'https://crm.example/x#frag',
      'https://crm.example/a b',
      `https://crm.example/${'x'.repeat(2048)}`,
      42,
    ])
      expect(paths(() => restApi.create({ name: 'x', webhook_url }, box))).toEqual(['webhook_url']);
    expect(
      paths(() =>
        restApi.create(
          { name: 'bad name!', webhook_url: HOOK, webhook_secret: 'whsec_mine', colour: 1 },
          box,
        ),
      ),
    ).toEqual(['colour', 'name', 'webhook_secret']);
    // A private address is the delivery's to refuse (OUTBOUND_ALLOW_HOSTS may allow it).
    const local = restApi.create({ name: 'x', webhook_url: 'http://127.0.0.1:9/x' }, box);
    expect(local.config).toEqual({ webhook_url: 'http://127.0.0.1:9/x' });
  });

  it('should keep the secret across a PATCH, and rotate it on request', () => {
    const r = row(restApi.create({ name: 'crm', webhook_url: HOOK }, box));
    const first = secretOf(r);
    const moved = restApi.patch(
      r,
      { webhook_url: 'https://crm.example/v2', webhook_secret: '***' },
      box,
    );
    expect(moved.config).toEqual({ webhook_url: 'https://crm.example/v2' });
    expect(secretOf(row(moved))).toBe(first);
    expect(moved.revealed).toBeUndefined();
    // The record sent back as it was shown (or with the secret as it was revealed) is fine.
    const view = restApi.view(r, { publicBaseUrl: 'https://gw.example' });
    expect(restApi.patch(r, { ...view, id: r.id, name: 'crm' }, box).revealed).toBeUndefined();
    expect(secretOf(row(restApi.patch(r, { webhook_secret: first }, box)))).toBe(first);

    const rotated = restApi.patch(r, { rotate_webhook_secret: true }, box);
    const second = secretOf(row(rotated));
    expect(second).not.toBe(first);
    expect(rotated.revealed).toEqual({ webhook_secret: second });
    expect(rotated.config).toEqual({ webhook_url: HOOK });
  });

  it('should refuse a secret of the client’s own, and bad PATCH fields, with their paths', () => {
    const r = row(restApi.create({ name: 'crm', webhook_url: HOOK }, box));
    expect(errors(() => restApi.patch(r, { webhook_secret: 'whsec_mine' }, box))).toEqual([
      {
        path: 'webhook_secret',
        message:
          'webhook_secret is made by the server; send "rotate_webhook_secret": true for a new one.',
      },
    ]);
    expect(
      paths(() =>
        restApi.patch(r, { webhook_url: 'nope', rotate_webhook_secret: 'yes', extra: 1 }, box),
      ),
    ).toEqual(['extra', 'webhook_url', 'rotate_webhook_secret']);
  });
});
