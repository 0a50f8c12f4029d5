import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIKEY_CLI, MAIN, runNode, startServerProcess } from './support/server-process';

// These tests run the built server as a real process (`npm test` builds it first).
describe('The server process', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gw-proc-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['ENCRYPTION_KEY', 'too-short'],
    ['OUTBOUND_ALLOW_HOSTS', 'ok.example,bad host'],
    ['BOOTSTRAP_API_KEY', 'not-a-key'],
  ])('should refuse to start with a bad %s, in one line naming it', (name, value) => {
    const res = runNode(MAIN, [], { DATA_DIR: dataDir, [name]: value });
    expect(res.status).not.toBe(0);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(lines[0]).not.toContain(
      value.length > 8 && name === 'ENCRYPTION_KEY' ? value : '\u0000',
    );
  });

  it('should require ENCRYPTION_KEY with DATABASE_URL', () => {
    const res = runNode(MAIN, [], {
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/ENCRYPTION_KEY is required when DATABASE_URL is set/);
  });

  it('should keep its data across a restart on the same DATA_DIR, and stop cleanly on SIGTERM', async () => {
    const key = 'sk_restart_test_key_0123456789';
    const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    const first = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_API_KEY: key });
    const created = await fetch(`${first.baseUrl}/api/dev/v1/chatbots`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Survivor' }),
    });
    expect(created.status).toBe(201);
    const bot = (await created.json()) as { id: string };
    expect(first.output()).toMatch(/ENCRYPTION_KEY is not set: generated one/);
    const generatedKey = readFileSync(join(dataDir, 'encryption.key'), 'utf8');
    expect(await first.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(false);

    const second = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_API_KEY: key });
    try {
      const res = await fetch(`${second.baseUrl}/api/dev/v1/chatbots/${bot.id}`, { headers: auth });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe('Survivor');
      expect(readFileSync(join(dataDir, 'encryption.key'), 'utf8')).toBe(generatedKey);
      expect(second.output()).not.toMatch(/generated one/);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('should refuse a second server on a DATA_DIR that is in use', async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const res = runNode(MAIN, [], { DATA_DIR: dataDir, PORT: '0' });
      expect(res.status).not.toBe(0);
      expect(res.stderr).toMatch(/in use by process/);
    } finally {
      await first.stop();
    }
  });

  it('should create an API key from the command line that the server accepts', async () => {
    const res = runNode(APIKEY_CLI, ['--workspace', 'Acme CLI'], { DATA_DIR: dataDir });
    expect(res.status).toBe(0);
    const lines = res.stdout.trim().split('\n');
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{40,}$/);
    const server = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const me = await fetch(`${server.baseUrl}/api/dev/v1/me`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { workspace: { name: string } }).workspace.name).toBe(
        'Acme CLI',
      );
      expect(server.output()).not.toContain(key);
    } finally {
      await server.stop();
    }
  });

  it('should explain how to call the key command without a workspace', () => {
    const res = runNode(APIKEY_CLI, [], { DATA_DIR: dataDir });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/--workspace/);
  });
});
