import { SsrfGuard, type HostLookup, type ResolvedAddress } from './ssrf-guard';

function lookupFrom(table: Record<string, string[]>): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(fn, { calls });
}

describe('SsrfGuard', () => {
  describe('check', () => {
    it('should refuse a host name that resolves to loopback', async () => {
      const guard = new SsrfGuard({
        allowHosts: [],
        lookup: lookupFrom({ 'evil.test': ['127.0.0.1'] }),
      });
      await expect(guard.check('evil.test')).resolves.toEqual({
        ok: false,
        code: 'blocked_address',
        reason: 'loopback',
      });
    });

    it('should refuse when any one of several addresses is blocked', async () => {
      const guard = new SsrfGuard({
        allowHosts: [],
        lookup: lookupFrom({ 'mixed.test': ['93.184.216.34', '10.0.0.5'] }),
      });
      await expect(guard.check('mixed.test')).resolves.toMatchObject({
        ok: false,
        reason: 'private',
      });
    });

    it('should return every checked address for a public host', async () => {
      const guard = new SsrfGuard({
        allowHosts: [],
        lookup: lookupFrom({ 'api.test': ['93.184.216.34', '2606:2800:220:1::1'] }),
      });
      await expect(guard.check('API.test.')).resolves.toEqual({
        ok: true,
        addresses: [
          { address: '93.184.216.34', family: 4 },
          { address: '2606:2800:220:1::1', family: 6 },
        ],
      });
    });

    it('should let an allow-listed host name through, case-insensitively, whatever it resolves to', async () => {
      const guard = new SsrfGuard({
        allowHosts: ['Evil.Test'],
        lookup: lookupFrom({ 'evil.test': ['127.0.0.1'] }),
      });
      await expect(guard.check('EVIL.test')).resolves.toEqual({
        ok: true,
        addresses: [{ address: '127.0.0.1', family: 4 }],
      });
    });

    it('should let addresses inside an allow-listed CIDR through, by any name, and only those', async () => {
      const lookup = lookupFrom({
        'a.test': ['127.0.0.2'],
        'b.test': ['10.0.0.1'],
        'c.test': ['fd00::5'],
      });
      const guard = new SsrfGuard({ allowHosts: ['127.0.0.0/8', 'fd00::/64'], lookup });
      await expect(guard.check('a.test')).resolves.toMatchObject({ ok: true });
      await expect(guard.check('b.test')).resolves.toMatchObject({
        ok: false,
        code: 'blocked_address',
      });
      await expect(guard.check('c.test')).resolves.toMatchObject({ ok: true });
    });

    it('should check literal addresses without DNS, including bracketed and mapped IPv6', async () => {
      const lookup = lookupFrom({});
      const guard = new SsrfGuard({ allowHosts: [], lookup });
      for (const host of [
        '127.0.0.1',
        '[::1]',
        '[::ffff:7f00:1]',
        '169.254.169.254',
        '0.0.0.0',
        '[fe80::1]',
      ]) {
        await expect(guard.check(host)).resolves.toMatchObject({
          ok: false,
          code: 'blocked_address',
        });
      }
      await expect(guard.check('93.184.216.34')).resolves.toEqual({
        ok: true,
        addresses: [{ address: '93.184.216.34', family: 4 }],
      });
      expect(lookup.calls).toEqual([]);
    });

    it('should allow a listed address only where the URL is written with it, not a name resolving to it', async () => {
      const lookup = lookupFrom({ localhost: ['127.0.0.1'], 'six.test': ['::1'] });
      const guard = new SsrfGuard({ allowHosts: ['127.0.0.1', '::1'], lookup });
      await expect(guard.check('127.0.0.1')).resolves.toMatchObject({ ok: true });
      await expect(guard.check('[::ffff:127.0.0.1]')).resolves.toMatchObject({ ok: true });
      await expect(guard.check('[::1]')).resolves.toMatchObject({ ok: true });
      await expect(guard.check('127.0.0.2')).resolves.toMatchObject({ ok: false });
      for (const name of ['localhost', 'six.test'])
        await expect(guard.check(name)).resolves.toEqual({
          ok: false,
          code: 'blocked_address',
          reason: 'loopback',
        });
    });

    it('should allow a listed name only as that name, not its address written out', async () => {
      const lookup = lookupFrom({ 'backend.test': ['10.0.0.7'] });
      const guard = new SsrfGuard({ allowHosts: ['backend.test'], lookup });
      await expect(guard.check('backend.test')).resolves.toMatchObject({ ok: true });
      await expect(guard.check('10.0.0.7')).resolves.toMatchObject({
        ok: false,
        reason: 'private',
      });
    });

    it('should report a DNS failure as a network error', async () => {
      const guard = new SsrfGuard({ allowHosts: [], lookup: lookupFrom({}) });
      await expect(guard.check('nowhere.test')).resolves.toMatchObject({
        ok: false,
        code: 'network_error',
      });
    });
  });

  describe('constructor', () => {
    it('should fail fast on a malformed CIDR in the allow-list', () => {
      expect(() => new SsrfGuard({ allowHosts: ['10.0.0.0/99'] })).toThrow(/Invalid CIDR/);
    });
  });
});
