import { FieldIssues } from './field-issues';
import { keepMaskedAuth, keepMaskedHeaders } from './keep-masked-secrets';

describe('keepMaskedAuth / keepMaskedHeaders', () => {
  it('should keep stored values for "***" of the same auth type', () => {
    const issues = new FieldIssues();
    expect(
      keepMaskedAuth(
        { type: 'basic', username: '***', password: 'new' },
        { type: 'basic', username: 'old-user', password: 'old' },
        issues,
      ),
    ).toEqual({ type: 'basic', username: 'old-user', password: 'new' });
    expect(
      keepMaskedAuth(
        { type: 'headers', headers: { 'x-a': '***', 'X-B': 'b' } },
        { type: 'headers', headers: { 'X-A': 'a' } },
        issues,
      ),
    ).toEqual({ type: 'headers', headers: { 'x-a': 'a', 'X-B': 'b' } });
    expect(issues.list).toEqual([]);
  });

  it('should report "***" with nothing to keep', () => {
    const issues = new FieldIssues();
    keepMaskedAuth(
      { type: 'bearer', token: '***' },
      { type: 'api_key', key: 'k', name: 'n', in: 'header' },
      issues,
    );
    keepMaskedHeaders({ 'X-New': '***' }, { 'X-Old': 'v' }, issues);
    keepMaskedAuth({ type: 'api_key', key: '***', name: 'n', in: 'query' }, null, issues);
    expect(issues.list.map((i) => i.path)).toEqual(['auth.token', 'headers.X-New', 'auth.key']);
  });
});
