import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const KEY = Buffer.alloc(32, 1).toString('base64');

  it('should apply defaults', () => {
    const { config } = loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: KEY });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: null,
      logLevel: 'info',
      migrateOnStart: true,
      rateLimitPerMinute: 0,
      outboundAllowHosts: [],
      trustProxy: ['loopback', 'linklocal', 'uniquelocal'],
      adminToken: null,
    });
  });

  it.each([
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '3.5' }, 'PORT'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://h/db' }, 'ENCRYPTION_KEY'],
    [{ ENCRYPTION_KEY: 'abc' }, 'ENCRYPTION_KEY'],
    [{ ENCRYPTION_KEY: Buffer.alloc(16).toString('hex') }, 'ENCRYPTION_KEY'],
    [{ OUTBOUND_ALLOW_HOSTS: '10.0.0.0/33' }, 'OUTBOUND_ALLOW_HOSTS'],
    [{ TRUST_PROXY: 'proxy.internal' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ TRACE_RETENTION_DAYS: '-1' }, 'TRACE_RETENTION_DAYS'],
    [{ MESSAGE_RETENTION_DAYS: '36501' }, 'MESSAGE_RETENTION_DAYS'],
    [{ OUTBOX_RETENTION_DAYS: '1e3' }, 'OUTBOX_RETENTION_DAYS'],
    [{ RETENTION_BATCH_SIZE: '5' }, 'RETENTION_BATCH_SIZE'],
    [{ HOST: 'not a host' }, 'HOST'],
  ])('should name the variable in the error for %j', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dir, ...env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  it('should name every bad variable at once, one line each, and generate no key on a refusal', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dir,
        PORT: '70000',
        LOG_LEVEL: 'loud',
        ENCRYPTION_KEY_PREVIOUS: 'short',
        TRACE_RETENTION_DAYS: '-1',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).message.split('\n');
    expect(lines).toHaveLength(4);
    expect([...(error as ConfigError).variables].sort()).toEqual(
      ['ENCRYPTION_KEY_PREVIOUS', 'LOG_LEVEL', 'PORT', 'TRACE_RETENTION_DAYS'].sort(),
    );
    for (const [i, name] of (error as ConfigError).variables.entries())
      expect(lines[i]).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    expect(existsSync(join(dir, 'encryption.key'))).toBe(false);
  });

  it('should read retention periods in whole or fractional days, 0 keeping rows for ever', () => {
    const { config } = loadConfig({
      DATA_DIR: dir,
      ENCRYPTION_KEY: KEY,
      TRACE_RETENTION_DAYS: '0.5',
      MESSAGE_RETENTION_DAYS: '0',
      RETENTION_SWEEP_MS: '0',
    });
    expect(config.retention).toEqual({
      sweepMs: 0,
      batchSize: 1000,
      outboxDays: 7,
      inboxDays: 14,
      tracesDays: 0.5,
      messagesDays: 0,
    });
  });

  it('should accept an encryption key in hex or base64', () => {
    const hex = Buffer.alloc(32, 9).toString('hex');
    expect(loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: hex }).config.encryptionKey).toEqual(
      Buffer.alloc(32, 9),
    );
    expect(loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: KEY }).config.encryptionKey).toEqual(
      Buffer.alloc(32, 1),
    );
  });

  it('should generate an embedded-mode key once, keep it, and warn about it', () => {
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.warnings.join()).toMatch(/ENCRYPTION_KEY is not set/);
    expect(first.warnings.join()).not.toContain(first.config.encryptionKey.toString('base64'));
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.warnings).toEqual([]);
    expect(second.config.encryptionKey).toEqual(first.config.encryptionKey);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8').trim()).toBe(
      first.config.encryptionKey.toString('base64'),
    );
  });

  it('should parse allow-listed hosts and CIDRs', () => {
    const { config } = loadConfig({
      DATA_DIR: dir,
      ENCRYPTION_KEY: KEY,
      OUTBOUND_ALLOW_HOSTS: 'localhost, 127.0.0.1/8 ,::1/128,api.internal',
    });
    expect(config.outboundAllowHosts).toEqual([
      'localhost',
      '127.0.0.1/8',
      '::1/128',
      'api.internal',
    ]);
  });

  it('should read the trusted proxies, none when asked', () => {
    const load = (value: string) =>
      loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: KEY, TRUST_PROXY: value }).config.trustProxy;
    expect(load('10.0.0.0/8, 192.0.2.1 ,loopback')).toEqual([
      '10.0.0.0/8',
      '192.0.2.1',
      'loopback',
    ]);
    expect(load('none')).toEqual([]);
  });
});
