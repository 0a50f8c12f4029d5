import { HttpCaller, type HttpCallerOptions } from '../http-caller';
import type { HttpIntegrationConfig } from '../http-integration';
import type { ResolvedAddress } from '../ssrf-guard';

export interface LogLine {
  level: 'info' | 'warn';
  obj: object;
  msg: string;
}

export interface TestCaller {
  caller: HttpCaller;
  logs: LogLine[];
  lookups: string[];
}

/**
 * An HttpCaller with small timeouts and backoff, a recording logger, integrations served
 * from memory (by name) and a fake DNS: `hosts` maps names to addresses; any other name
 * fails to resolve, so no test ever reaches a real resolver or a non-loopback address.
 */
export function testCaller(
  options: Partial<HttpCallerOptions> & {
    integrations?: HttpIntegrationConfig[];
    hosts?: Record<string, string[]>;
  } = {},
): TestCaller {
  const logs: LogLine[] = [];
  const lookups: string[] = [];
  const { integrations = [], hosts = {}, ...rest } = options;
  const caller = new HttpCaller({
    resolveIntegration: async (_chatbotId, name) =>
      integrations.find((i) => i.name === name) ?? null,
    allowHosts: ['127.0.0.1'],
    userAgent: 'sarufi-gateway/0.1.0 (test)',
    logger: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    lookup: async (hostname): Promise<ResolvedAddress[]> => {
      lookups.push(hostname);
      const answers = hosts[hostname.toLowerCase()];
      if (!answers)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    defaults: { connect_ms: 1000, read_ms: 2000, retry: { initial_delay_ms: 1, max_delay_ms: 20 } },
    ...rest,
  });
  return { caller, logs, lookups };
}
