import type { IntegrationRow } from '../integration-row';
import { integrationView } from './integration-view';

describe('integrationView', () => {
  const row = (config: object): IntegrationRow => ({
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    chatbot_id: '01ARZ3NDEKTSV4RRFFQ69G5FAW',
    type: 'http',
    name: 'crm',
    config,
    secrets: 'v1:abcd1234:x:y:z',
    key_id: 'abcd1234',
    webhook_token: null,
    address: null,
    health: null,
    created_at: new Date('2026-01-01T00:00:00Z'),
    updated_at: new Date('2026-01-02T00:00:00Z'),
  });
  const config = {
    base_url: 'https://api.example.com',
    header_names: ['X-Tenant'],
    query: { a: '1' },
    timeout: { connect_ms: 1, read_ms: 2 },
    retry: { max_attempts: 1 },
    max_response_bytes: 10,
  };

  it.each([
    [{ type: 'none' }, { type: 'none' }],
    [{ type: 'bearer' }, { type: 'bearer', token: '***' }],
    [
      { type: 'api_key', name: 'k', in: 'query' },
      { type: 'api_key', name: 'k', in: 'query', key: '***' },
    ],
    [{ type: 'basic' }, { type: 'basic', username: '***', password: '***' }],
    [
      { type: 'headers', header_names: ['X-A'] },
      { type: 'headers', headers: { 'X-A': '***' } },
    ],
  ])('should mask the secrets of auth %j', (auth, shown) => {
    const view = integrationView(row({ ...config, auth }), {
      publicBaseUrl: 'https://bots.example',
    });
    expect(view.auth).toEqual(shown);
    expect(view.headers).toEqual({ 'X-Tenant': '***' });
    expect(view).not.toHaveProperty('secrets');
    expect(view).not.toHaveProperty('key_id');
    expect(view.created_at).toBe('2026-01-01T00:00:00.000Z');
  });
});
