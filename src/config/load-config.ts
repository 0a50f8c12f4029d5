import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AppConfig,
  ConfigError,
  LOG_LEVELS,
  LogLevel,
  MAX_RETENTION_DAYS,
  PROXY_RANGE_NAMES,
  isHostOrCidr,
  isProxyEntry,
  parseEncryptionKey,
} from './app-config';

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === null) return def;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${v}")`);
  }
  return Number(v);
}

/**
 * TRUST_PROXY: the proxies whose X-Forwarded-For is believed. By default the private ranges
 * (a reverse proxy on the same host or a load balancer in the same network); `none` for a
 * server that clients reach directly. Trusting every sender would let any client name its own
 * address, and so step around the widget's per-address rate limit.
 */
function proxies(env: Env): string[] {
  const v = str(env, 'TRUST_PROXY');
  if (v === null) return [...PROXY_RANGE_NAMES];
  if (v === 'none') return [];
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!isProxyEntry(entry))
      throw new ConfigError(
        'TRUST_PROXY',
        `has an entry that is neither an address, a CIDR, nor one of ${PROXY_RANGE_NAMES.join(', ')}: "${entry}" (or set it to none)`,
      );
  }
  return entries;
}

/** A retention period: days, whole or fractional, 0 (for ever) to 100 years. */
function days(env: Env, name: string, def: number): number {
  const v = str(env, name);
  if (v === null) return def;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > MAX_RETENTION_DAYS) {
    throw new ConfigError(
      name,
      `must be a number of days from 0 (keep for ever) to ${MAX_RETENTION_DAYS}, e.g. 30 or 0.5 (got "${v}")`,
    );
  }
  return Number(v);
}

function bool(env: Env, name: string, def: boolean): boolean {
  const v = str(env, name)?.toLowerCase();
  if (v === undefined) return def;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false (got "${v}")`);
}

function databaseUrl(env: Env): string | null {
  const v = str(env, 'DATABASE_URL');
  if (v === null) return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      'is not a valid URL (expected postgres://user:pass@host:5432/db)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must start with postgres:// (got "${url.protocol}//")`);
  }
  return v;
}

/**
 * The typed readers, each recording a bad value in `problems` and giving the default in its
 * place, so that every bad variable is reported at once rather than one per restart.
 */
function reader(env: Env, problems: ConfigError[]) {
  const check = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err);
      return fallback;
    }
  };
  return {
    check,
    int: (name: string, def: number, min: number, max: number) =>
      check(() => int(env, name, def, min, max), def),
    days: (name: string, def: number) => check(() => days(env, name, def), def),
    bool: (name: string, def: boolean) => check(() => bool(env, name, def), def),
  };
}

export interface LoadedConfig {
  config: AppConfig;
  /** Things worth a warning line at start-up (never secrets). */
  warnings: string[];
}

/**
 * Builds the configuration from the environment. Bad values throw one ConfigError naming
 * every bad variable, one line each. In embedded mode a missing ENCRYPTION_KEY is generated
 * once into DATA_DIR.
 */
export function loadConfig(env: Env = process.env): LoadedConfig {
  const warnings: string[] = [];
  const problems: ConfigError[] = [];
  const read = reader(env, problems);
  const dbUrl = read.check(() => databaseUrl(env), null);
  const dataDir = resolve(str(env, 'DATA_DIR') ?? './data');

  const logLevel = (str(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(
      new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`),
    );
  }

  const allow = (str(env, 'OUTBOUND_ALLOW_HOSTS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const notHost = allow.find((entry) => !isHostOrCidr(entry));
  if (notHost !== undefined) {
    problems.push(
      new ConfigError(
        'OUTBOUND_ALLOW_HOSTS',
        `has an entry that is neither a host nor a CIDR: "${notHost}"`,
      ),
    );
  }

  const trustProxy = read.check(() => proxies(env), []);

  const bootstrapApiKey = str(env, 'BOOTSTRAP_API_KEY');
  if (bootstrapApiKey !== null && !/^sk_[A-Za-z0-9_-]{16,200}$/.test(bootstrapApiKey)) {
    problems.push(
      new ConfigError(
        'BOOTSTRAP_API_KEY',
        'must look like sk_ followed by at least 16 letters, digits, _ or -',
      ),
    );
  }
  const adminToken = str(env, 'ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    problems.push(new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters long'));
  }

  const publicBaseUrl = str(env, 'PUBLIC_BASE_URL');
  if (publicBaseUrl !== null && !/^https?:\/\/[^\s]+$/.test(publicBaseUrl)) {
    problems.push(new ConfigError('PUBLIC_BASE_URL', 'must be an http(s) URL'));
  }

  const givenKey = read.check(() => givenEncryptionKey(env, dbUrl), null);
  const host = str(env, 'HOST') ?? '0.0.0.0';
  if (!isHostOrCidr(host) || host.includes('/')) {
    // Else listen() failed later with "getaddrinfo ENOTFOUND …", naming no variable.
    problems.push(new ConfigError('HOST', `must be an address or a host name (got "${host}")`));
  }

  const config: AppConfig = {
    port: read.int('PORT', 3000, 0, 65535),
    host,
    databaseUrl: dbUrl,
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 200),
    databasePreparedStatements: read.bool('DATABASE_PREPARED_STATEMENTS', true),
    dataDir,
    encryptionKey: givenKey ?? Buffer.alloc(0),
    previousEncryptionKeys: read.check(
      () =>
        (str(env, 'ENCRYPTION_KEY_PREVIOUS') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((k) => parseEncryptionKey(k, 'ENCRYPTION_KEY_PREVIOUS')),
      [],
    ),
    bootstrapApiKey,
    adminToken,
    outboundAllowHosts: allow,
    trustProxy,
    logLevel: logLevel as LogLevel,
    migrateOnStart: read.bool('MIGRATE_ON_START', true),
    apiKeyCacheSeconds: read.int('API_KEY_CACHE_SECONDS', 5, 0, 300),
    rateLimitPerMinute: read.int('RATE_LIMIT_PER_MINUTE', 0, 0, 1_000_000),
    turnWaitMs: read.int('TURN_WAIT_MS', 30_000, 100, 600_000),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    publicBaseUrl,
    outboxPollMs: read.int('OUTBOX_POLL_MS', 2000, 0, 3_600_000),
    handoffSweepMs: read.int('HANDOFF_SWEEP_MS', 30_000, 50, 3_600_000),
    outboxMaxAttempts: read.int('OUTBOX_MAX_ATTEMPTS', 8, 1, 100),
    inboxConcurrency: read.int('INBOX_CONCURRENCY', 64, 1, 1000),
    outboxConcurrency: read.int('OUTBOX_CONCURRENCY', 32, 1, 1000),
    outboxPerChatbot: read.int('OUTBOX_PER_CHATBOT', 4, 1, 1000),
    outboxShutdownMs: read.int('OUTBOX_SHUTDOWN_MS', 10_000, 0, 600_000),
    whatsappMediaWaitMs: read.int('WHATSAPP_MEDIA_WAIT_MS', 3000, 0, 60_000),
    retention: {
      sweepMs: read.int('RETENTION_SWEEP_MS', 60_000, 0, 86_400_000),
      batchSize: read.int('RETENTION_BATCH_SIZE', 1000, 10, 10_000),
      outboxDays: read.days('OUTBOX_RETENTION_DAYS', 7),
      inboxDays: read.days('INBOX_RETENTION_DAYS', 14),
      tracesDays: read.days('TRACE_RETENTION_DAYS', 14),
      messagesDays: read.days('MESSAGE_RETENTION_DAYS', 90),
    },
  };
  if (problems.length > 0) throw ConfigError.all(problems);
  // Only once everything else is valid: a refused start leaves no generated key behind.
  config.encryptionKey = givenKey ?? storedEncryptionKey(dataDir, warnings);
  return { config, warnings };
}

/** ENCRYPTION_KEY as given; null in embedded mode without one (it lives in DATA_DIR then). */
function givenEncryptionKey(env: Env, dbUrl: string | null): Buffer | null {
  const given = str(env, 'ENCRYPTION_KEY');
  if (given !== null) return parseEncryptionKey(given, 'ENCRYPTION_KEY');
  if (dbUrl !== null) {
    throw new ConfigError(
      'ENCRYPTION_KEY',
      'is required when DATABASE_URL is set (32 bytes, base64 or hex)',
    );
  }
  return null;
}

/** The embedded database's key: read from DATA_DIR, or generated there once. */
function storedEncryptionKey(dataDir: string, warnings: string[]): Buffer {
  const file = join(dataDir, 'encryption.key');
  if (existsSync(file)) {
    return parseEncryptionKey(readFileSync(file, 'utf8'), `ENCRYPTION_KEY (from ${file})`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  warnings.push(
    `ENCRYPTION_KEY is not set: generated one and stored it in ${file}. Back it up; set ENCRYPTION_KEY in production.`,
  );
  return key;
}
