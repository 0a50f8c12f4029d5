import type { AppConfig } from './app-config';

/**
 * Where providers reach this server, for the webhook URLs of channel integrations:
 * PUBLIC_BASE_URL without its trailing slash, or this server's own address when it is unset
 * (fine on one machine; set it behind any proxy or tunnel).
 */
export function publicBaseUrl(config: Pick<AppConfig, 'publicBaseUrl' | 'host' | 'port'>) {
  if (config.publicBaseUrl) return config.publicBaseUrl.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}
