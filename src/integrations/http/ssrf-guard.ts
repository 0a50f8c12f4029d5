import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { blockReason, cidrContains, parseCidr, parseIp, type Cidr } from './ip-ranges';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (like `dns.lookup` with `all: true`). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export type GuardDecision =
  | { ok: true; addresses: ResolvedAddress[] }
  | { ok: false; code: 'blocked_address' | 'network_error'; reason: string };

export interface SsrfGuardOptions {
  /**
   * OUTBOUND_ALLOW_HOSTS: host names (exact, case-insensitive) and addresses, each allowing
   * only a URL whose host is written so, and CIDRs (v4 or v6), allowing every address in
   * them however it was reached.
   */
  allowHosts: string[];
  lookup?: HostLookup;
}

const systemLookup: HostLookup = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function normaliseHostname(hostname: string): string {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  return a.every((byte, i) => byte === b[i]);
}

/**
 * Decides whether a host may be connected to, and to which addresses. The host is
 * resolved once here; the caller must connect only to the returned addresses (so a DNS
 * answer that changes between check and connect cannot redirect the connection).
 */
export class SsrfGuard {
  private readonly allowedNames = new Set<string>();
  /**
   * Listed hosts that are addresses: a host, like a name, so a name that resolves to one is
   * not let through by it (a range, written as a CIDR, is what allows resolved addresses).
   */
  private readonly allowedAddresses: Uint8Array[] = [];
  private readonly allowedRanges: Cidr[] = [];
  private readonly lookup: HostLookup;

  constructor(options: SsrfGuardOptions) {
    this.lookup = options.lookup ?? systemLookup;
    for (const raw of options.allowHosts) {
      const entry = raw.trim();
      if (entry === '') continue;
      if (entry.includes('/')) {
        const cidr = parseCidr(entry);
        if (!cidr) throw new Error(`Invalid CIDR in outbound allow-list: ${entry}`);
        this.allowedRanges.push(cidr);
        continue;
      }
      const address = parseIp(entry);
      if (address) this.allowedAddresses.push(address);
      else this.allowedNames.add(normaliseHostname(entry));
    }
  }

  /** Why the address is refused, or null when it may be connected to. */
  addressRefusal(address: string): string | null {
    const bytes = parseIp(address);
    if (!bytes) return 'invalid';
    if (this.allowedRanges.some((cidr) => cidrContains(cidr, bytes))) return null;
    return blockReason(bytes);
  }

  async check(hostname: string): Promise<GuardDecision> {
    const host = normaliseHostname(hostname);
    if (host === '') return { ok: false, code: 'blocked_address', reason: 'empty host' };
    const family = isIP(host);
    if (family !== 0) {
      const bytes = parseIp(host);
      const listed = bytes !== null && this.allowedAddresses.some((a) => sameAddress(a, bytes));
      const refusal = listed ? null : this.addressRefusal(host);
      if (refusal) return { ok: false, code: 'blocked_address', reason: refusal };
      return { ok: true, addresses: [{ address: host, family: family === 6 ? 6 : 4 }] };
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.lookup(host);
    } catch {
      return { ok: false, code: 'network_error', reason: 'dns lookup failed' };
    }
    if (addresses.length === 0) return { ok: false, code: 'network_error', reason: 'no address' };
    if (this.allowedNames.has(host)) return { ok: true, addresses };
    for (const { address } of addresses) {
      const refusal = this.addressRefusal(address);
      if (refusal) return { ok: false, code: 'blocked_address', reason: refusal };
    }
    return { ok: true, addresses };
  }
}
