/**
 * IP address parsing and range tables for the SSRF guard.
 *
 * Every address is handled as 16 bytes: IPv4 addresses are stored in their IPv4-mapped
 * form (::ffff:a.b.c.d), so one matcher serves both families and an IPv4 CIDR also
 * matches the mapped spelling of the same address.
 */

export interface Cidr {
  bytes: Uint8Array;
  /** Prefix length in bits, over the 16-byte form. */
  prefix: number;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIpv4Bytes(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6Bytes(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4Bytes(piece);
        if (!v4) return null;
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  return bytes;
}

/**
 * Parses a literal IPv4 (dotted quad) or IPv6 address, with or without brackets and an
 * IPv6 zone id, into its 16-byte form. Returns null for anything else (host names).
 */
export function parseIp(text: string): Uint8Array | null {
  let value = text.trim();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  if (value.includes(':')) {
    const v6 = parseIpv6Bytes(value);
    return v6 ? Uint8Array.from(v6) : null;
  }
  const v4 = parseIpv4Bytes(value);
  return v4 ? Uint8Array.from([...V4_MAPPED_PREFIX, ...v4]) : null;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (a single-address range). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const bytes = parseIp(addressText);
  if (!bytes) return null;
  const isV4 = !addressText.includes(':');
  const maxPrefix = isV4 ? 32 : 128;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > maxPrefix) return null;
  }
  return { bytes, prefix: isV4 ? prefix + 96 : prefix };
}

export function cidrContains(cidr: Cidr, address: Uint8Array): boolean {
  let bits = cidr.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((cidr.bytes[i] & mask) !== (address[i] & mask)) return false;
  }
  return true;
}

function table(entries: Array<[string, string]>): Array<{ cidr: Cidr; label: string }> {
  return entries.map(([text, label]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad built-in range ${text}`);
    return { cidr, label };
  });
}

/** IPv4 ranges never connected to unless allow-listed. */
export const BLOCKED_V4_RANGES = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'ietf-protocol'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'relay-anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'], // includes the broadcast address 255.255.255.255
]);

/** IPv6 ranges never connected to unless allow-listed. */
export const BLOCKED_V6_RANGES = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'discard'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
]);

/** IPv6 ranges that carry an IPv4 address; the embedded address is checked too. */
const EMBEDDING_RANGES: Array<{
  cidr: Cidr;
  label: string;
  extract: (a: Uint8Array) => number[][];
}> = [
  {
    range: '::ffff:0:0/96',
    label: 'ipv4-mapped',
    extract: (a: Uint8Array) => [[...a.slice(12, 16)]],
  },
  {
    range: '::ffff:0:0:0/96',
    label: 'ipv4-translated',
    extract: (a: Uint8Array) => [[...a.slice(12, 16)]],
  },
  { range: '::/96', label: 'ipv4-compatible', extract: (a: Uint8Array) => [[...a.slice(12, 16)]] },
  { range: '64:ff9b::/96', label: 'nat64', extract: (a: Uint8Array) => [[...a.slice(12, 16)]] },
  {
    range: '64:ff9b:1::/48',
    label: 'nat64-local',
    extract: (a: Uint8Array) => [[...a.slice(12, 16)]],
  },
  { range: '2002::/16', label: '6to4', extract: (a: Uint8Array) => [[...a.slice(2, 6)]] },
  {
    range: '2001::/32',
    label: 'teredo',
    extract: (a: Uint8Array) => [[...a.slice(4, 8)], [...a.slice(12, 16)].map((b) => b ^ 0xff)],
  },
].map(({ range, label, extract }) => {
  const cidr = parseCidr(range);
  if (!cidr) throw new Error(`bad built-in range ${range}`);
  return { cidr, label, extract };
});

function v4BlockReason(v4: number[]): string | null {
  const mapped = Uint8Array.from([...V4_MAPPED_PREFIX, ...v4]);
  for (const { cidr, label } of BLOCKED_V4_RANGES) {
    if (cidrContains(cidr, mapped)) return label;
  }
  return null;
}

/**
 * Why an address must not be connected to by default (e.g. `loopback`,
 * `ipv4-mapped loopback`), or null when it is a public address. Unparseable input is
 * reported as `invalid`.
 */
export function blockReason(address: string | Uint8Array): string | null {
  const bytes = typeof address === 'string' ? parseIp(address) : address;
  if (!bytes || bytes.length !== 16) return 'invalid';
  const mappedRange = EMBEDDING_RANGES[0];
  if (cidrContains(mappedRange.cidr, bytes)) return v4BlockReason([...bytes.slice(12, 16)]);
  for (const { cidr, label } of BLOCKED_V6_RANGES) {
    if (cidrContains(cidr, bytes)) return label;
  }
  for (const { cidr, label, extract } of EMBEDDING_RANGES) {
    if (!cidrContains(cidr, bytes)) continue;
    for (const v4 of extract(bytes)) {
      const reason = v4BlockReason(v4);
      if (reason) return `${label} ${reason}`;
    }
  }
  return null;
}
