import { blockReason, cidrContains, parseCidr, parseIp } from './ip-ranges';

describe('ip-ranges', () => {
  describe('parseIp', () => {
    it('should parse IPv4 into the IPv4-mapped 16-byte form', () => {
      expect([...parseIp('1.2.3.4')!]).toEqual([
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4,
      ]);
    });

    it('should parse IPv6 with ::, brackets, zone ids and embedded IPv4', () => {
      expect([...parseIp('[::1]')!].slice(14)).toEqual([0, 1]);
      expect([...parseIp('fe80::1%eth0')!].slice(0, 2)).toEqual([0xfe, 0x80]);
      expect([...parseIp('::ffff:127.0.0.1')!]).toEqual([...parseIp('127.0.0.1')!]);
      expect([...parseIp('2001:db8:0:0:0:0:0:1')!]).toEqual([...parseIp('2001:db8::1')!]);
    });

    it.each([
      'example.com',
      '1.2.3',
      '1.2.3.256',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      '',
      '::g',
    ])('should reject %p', (text) => {
      expect(parseIp(text)).toBeNull();
    });
  });

  describe('parseCidr / cidrContains', () => {
    it('should match v4 and v6 ranges, and a v4 range against the mapped spelling', () => {
      const v4 = parseCidr('10.1.0.0/16')!;
      expect(cidrContains(v4, parseIp('10.1.200.3')!)).toBe(true);
      expect(cidrContains(v4, parseIp('10.2.0.1')!)).toBe(false);
      expect(cidrContains(v4, parseIp('::ffff:10.1.0.9')!)).toBe(true);
      const v6 = parseCidr('2001:db8:abcd::/48')!;
      expect(cidrContains(v6, parseIp('2001:db8:abcd:1::5')!)).toBe(true);
      expect(cidrContains(v6, parseIp('2001:db8:abce::5')!)).toBe(false);
      const odd = parseCidr('100.64.0.0/10')!;
      expect(cidrContains(odd, parseIp('100.127.255.255')!)).toBe(true);
      expect(cidrContains(odd, parseIp('100.128.0.0')!)).toBe(false);
    });

    it('should treat a bare address as a single-address range and refuse bad prefixes', () => {
      const one = parseCidr('192.0.2.7')!;
      expect(cidrContains(one, parseIp('192.0.2.7')!)).toBe(true);
      expect(cidrContains(one, parseIp('192.0.2.8')!)).toBe(false);
      expect(parseCidr('10.0.0.0/33')).toBeNull();
      expect(parseCidr('::/129')).toBeNull();
      expect(parseCidr('10.0.0.0/x')).toBeNull();
      expect(parseCidr('host.example/8')).toBeNull();
    });
  });

  describe('blockReason', () => {
    it.each([
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'cgnat'],
      ['100.127.255.254', 'cgnat'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['240.0.0.1', 'reserved'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fc00::1', 'unique-local'],
      ['fd12:3456:789a::1', 'unique-local'],
      ['fe80::1', 'link-local'],
      ['fe80::1%lo', 'link-local'],
      ['febf::1', 'link-local'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['::ffff:10.0.0.1', 'private'],
      ['::127.0.0.1', 'ipv4-compatible loopback'],
      ['::ffff:0:127.0.0.1', 'ipv4-translated loopback'],
      ['64:ff9b::127.0.0.1', 'nat64 loopback'],
      ['64:ff9b::a9fe:a9fe', 'nat64 link-local'],
      ['64:ff9b:1::10.0.0.1', 'nat64-local private'],
      ['2002:7f00:1::', '6to4 loopback'],
      ['2002:c0a8:101::1', '6to4 private'],
    ])('should refuse %s (%s)', (address, reason) => {
      expect(blockReason(address)).toBe(reason);
    });

    it.each([
      '8.8.8.8',
      '1.1.1.1',
      '93.184.216.34',
      '172.32.0.1',
      '100.128.0.1',
      '169.255.0.1',
      '11.0.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82b::200e',
      '::ffff:8.8.8.8',
      '64:ff9b::8.8.8.8',
      '2002:808:808::1',
    ])('should allow public address %s', (address) => {
      expect(blockReason(address)).toBeNull();
    });

    it('should report unparseable input as invalid', () => {
      expect(blockReason('not-an-ip')).toBe('invalid');
    });
  });
});
