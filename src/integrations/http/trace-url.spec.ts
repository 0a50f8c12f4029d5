import { emptySecrets } from './request-secrets';
import { traceUrl } from './trace-url';

describe('traceUrl', () => {
  it('should mask every query value, keeping the names', () => {
    const secrets = emptySecrets();
    secrets.queryParams.add('api_key');
    secrets.values.push('k3y-value', 'hunter2');
    const url = new URL('https://api.test/v1/x?api_key=k3y-value&q=1&echo=hunter2&flag');
    expect(traceUrl(url, secrets)).toBe('https://api.test/v1/x?api_key=***&q=***&echo=***&flag');
  });

  it('should drop user info and the fragment', () => {
    const url = new URL('https://user:pw@api.test/a#frag');
    expect(traceUrl(url, emptySecrets())).toBe('https://api.test/a');
  });

  it('should mask a secret that appears in the path', () => {
    const secrets = emptySecrets();
    secrets.values.push('s3cr3t');
    expect(traceUrl(new URL('https://api.test/hooks/s3cr3t/x'), secrets)).toBe(
      'https://api.test/hooks/***/x',
    );
  });
});
