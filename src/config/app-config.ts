import { isIP } from 'node:net';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The one typed configuration object. `process.env` is read nowhere else (see load-config.ts). */
export interface AppConfig {
  port: number;
  host: string;
  /** PostgreSQL connection string; null means the embedded PGlite database. */
  databaseUrl: string | null;
  databasePoolSize: number;
  /** Statements prepared once per connection (off behind a pooler that cannot keep them). */
  databasePreparedStatements: boolean;
  dataDir: string;
  /** AES-256-GCM key for integration secrets (32 bytes). */
  encryptionKey: Buffer;
  /** Older keys still accepted for reading, during a rotation. */
  previousEncryptionKeys: Buffer[];
  bootstrapApiKey: string | null;
  adminToken: string | null;
  /** Hosts or CIDRs that outbound API calls may reach even though they are private. */
  outboundAllowHosts: string[];
  /**
   * The proxies in front of this server (addresses, CIDRs, or `loopback`, `linklocal`,
   * `uniquelocal`): a request's client address is the first address in X-Forwarded-For, read
   * from the right, that is not one of them. Empty: X-Forwarded-For is not read.
   */
  trustProxy: string[];
  logLevel: LogLevel;
  /** Run pending migrations at start-up (under an advisory lock). */
  migrateOnStart: boolean;
  apiKeyCacheSeconds: number;
  /** Requests per minute per API key; 0 = off. */
  rateLimitPerMinute: number;
  /** How long a message waits for its session's lease before a 503. */
  turnWaitMs: number;
  shutdownGraceMs: number;
  publicBaseUrl: string | null;
  /** How often the outbox sweeper looks for due deliveries; 0 = only when woken. */
  outboxPollMs: number;
  /** How often idle handoffs are looked for (a flow's settings.handoff_idle_release_minutes). */
  handoffSweepMs: number;
  /** Deliveries of one outbox row before it is marked failed. */
  outboxMaxAttempts: number;
  /** Inbox events (channel turns) processed at once on this instance. */
  inboxConcurrency: number;
  /** Outbox deliveries in flight on this instance, in all and per chatbot. */
  outboxConcurrency: number;
  outboxPerChatbot: number;
  /** On shutdown: how long in-flight deliveries may finish before their claims are released. */
  outboxShutdownMs: number;
  /** How long the WhatsApp send after a media message waits for the media's first status. */
  whatsappMediaWaitMs: number;
  /** What is deleted when, and how (docs/retention.md). */
  retention: RetentionConfig;
}

/** The longest retention period a setting may ask for (100 years). */
export const MAX_RETENTION_DAYS = 36_500;

/** Days are whole or fractional (0.5 = 12 hours); 0 keeps rows for ever. */
export interface RetentionConfig {
  /** How often this instance sweeps; 0 = never (another instance does). */
  sweepMs: number;
  /** Rows looked at, and at most deleted, by one statement (one short transaction). */
  batchSize: number;
  /** Outbox rows done or failed, counted from when they ended. */
  outboxDays: number;
  /** Inbox events done or failed (they also remember provider ids against redelivery). */
  inboxDays: number;
  /** Turn traces; a chatbot may set its own. */
  tracesDays: number;
  /** Messages of finished conversations, from their last activity; a chatbot may set its own. */
  messagesDays: number;
}

export class ConfigError extends Error {
  /** Every bad variable this error reports (several for `ConfigError.all`). */
  variables: string[];

  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.variables = [variable];
  }

  /** One error for several bad variables: one line each, so that all are fixed in one go. */
  static all(errors: ConfigError[]): ConfigError {
    if (errors.length === 1) return errors[0];
    const all = new ConfigError(errors[0].variable, '');
    all.message = errors.map((e) => e.message).join('\n');
    all.variables = errors.map((e) => e.variable);
    return all;
  }
}

export const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Parses a 32-byte key given as base64 (44 chars) or hex (64 chars). */
export function parseEncryptionKey(value: string, variable: string): Buffer {
  const v = value.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(v)) key = Buffer.from(v, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) key = Buffer.from(v, 'base64');
  if (!key || key.length !== 32) {
    throw new ConfigError(variable, 'must be 32 bytes, given as base64 or 64 hex characters');
  }
  return key;
}

export function isHostOrCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  if (bits !== undefined) {
    const family = isIP(addr);
    const n = Number(bits);
    return family !== 0 && /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
  }
  return isIP(addr) !== 0 || /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(addr);
}

/** Names of address ranges that TRUST_PROXY accepts besides addresses and CIDRs (proxy-addr's). */
export const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** An address, a CIDR or a range name: what TRUST_PROXY may list. */
export function isProxyEntry(entry: string): boolean {
  if ((PROXY_RANGE_NAMES as readonly string[]).includes(entry)) return true;
  return isIP(entry.split('/')[0]) !== 0 && isHostOrCidr(entry);
}
