import { DomainError } from './domain-error';
import { encodeCursor, listTag, pageRequest, toPage } from './paging';

const ID = '01J0000000000000000000000A';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.errors;
    throw error;
  }
  throw new Error('not refused');
}

describe('paging', () => {
  describe('pageRequest', () => {
    it('should take a cursor handed out for the same list, whatever the limit and the filter order', () => {
      const query: Record<string, unknown> = { limit: '1', channel: 'api', status: 'ACTIVE' };
      const page = toPage(
        [{ id: ID }, { id: 'x' }],
        2,
        pageRequest(query, 'bots/B/c'),
        (r) => r.id,
      );
      expect(page.next_cursor).toEqual(expect.any(String));
      const next: Record<string, unknown> = {
        status: 'ACTIVE',
        channel: 'api',
        cursor: page.next_cursor,
      };
      expect(pageRequest(next, 'bots/B/c')).toMatchObject({ limit: 50, after: ID });
    });

    it.each([
      ['another chatbot', { cursor: encodeCursor(ID, listTag('bots/A/c', {})) }, 'bots/B/c'],
      [
        'another filter',
        { cursor: encodeCursor(ID, listTag('bots/B/c', {})), user: 'u' },
        'bots/B/c',
      ],
      [
        'a filtered list',
        { cursor: encodeCursor(ID, listTag('bots/B/c', { user: 'u' })) },
        'bots/B/c',
      ],
    ])('should refuse a cursor from %s at path cursor', (_name, query, scope) => {
      expect(refusal(() => pageRequest(query, scope))).toEqual([
        { path: 'cursor', message: expect.stringContaining('another list') },
      ]);
    });

    it.each([['bogus'], [Buffer.from(ID).toString('base64url')], [encodeCursor('nope', 'x')]])(
      'should refuse a cursor this API did not hand out (%s)',
      (cursor) => {
        expect(refusal(() => pageRequest({ cursor }, 's'))).toEqual([
          { path: 'cursor', message: 'cursor is not one this API returned.' },
        ]);
      },
    );

    it('should count an empty filter as none', () => {
      expect(listTag('s', { user: '', limit: '5', cursor: 'c' })).toBe(listTag('s', {}));
    });
  });
});
