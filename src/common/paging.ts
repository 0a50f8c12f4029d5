import { createHash } from 'node:crypto';
import { FindOptionsOrder, FindOptionsWhere, MoreThan, Repository } from 'typeorm';
import { DomainError, ErrorCode } from './domain-error';

export interface Page<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** The id after which the page starts (ULIDs sort by creation time). */
  after: string | null;
  /** Tag of the list the page belongs to, bound into every cursor the page hands out. */
  list: string;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function invalidPaging(path: 'limit' | 'cursor', message: string): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'Invalid paging parameters.', [
    { path, message },
  ]);
}

/**
 * The tag of a list: its endpoint and scope (`scope`, e.g. `chatbots/{id}/conversations`)
 * and every query parameter but `limit` and `cursor` (its filters), in name order. A cursor
 * is an id to start after, which means nothing in another list: there it gave an empty or
 * wrong page, so cursors carry this tag and another list refuses them.
 */
export function listTag(scope: string, query: object): string {
  const filters = Object.entries(query)
    // An empty filter filters nothing, so it is the same list as none.
    .filter(
      ([name, value]) =>
        name !== 'limit' && name !== 'cursor' && value !== undefined && value !== '',
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([scope, filters]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** An opaque cursor: base64url of the last id seen and its list's tag. */
export function encodeCursor(lastId: string, list: string): string {
  return Buffer.from(`${lastId}.${list}`, 'utf8').toString('base64url');
}

/**
 * Parses `?limit=&cursor=` for the list named by `scope` (see listTag); a cursor this API
 * did not hand out, or handed out for another list, is a 400 at `cursor`.
 */
export function pageRequest(
  query: { limit?: unknown; cursor?: unknown },
  scope: string,
): PageRequest {
  let limit = 50;
  if (query.limit !== undefined) {
    const n = Number(query.limit);
    if (typeof query.limit !== 'string' || !/^\d+$/.test(query.limit) || n < 1 || n > 200)
      throw invalidPaging('limit', 'limit must be a whole number from 1 to 200.');
    limit = n;
  }
  const list = listTag(scope, query);
  let after: string | null = null;
  if (query.cursor !== undefined && query.cursor !== '') {
    const raw =
      typeof query.cursor === 'string'
        ? Buffer.from(query.cursor, 'base64url').toString('utf8')
        : '';
    const dot = raw.indexOf('.');
    const id = raw.slice(0, dot);
    if (dot < 0 || !ULID.test(id) || !/^[\w-]{16}$/.test(raw.slice(dot + 1)))
      throw invalidPaging('cursor', 'cursor is not one this API returned.');
    if (raw.slice(dot + 1) !== list)
      throw invalidPaging(
        'cursor',
        'cursor belongs to another list (another endpoint, scope or filters); send it with the query that returned it.',
      );
    after = id;
  }
  return { limit, after, list };
}

/** Builds a page from `limit + 1` rows fetched in id order. */
export function toPage<R extends { id: string }, T>(
  rows: R[],
  total: number,
  req: PageRequest,
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > req.limit;
  const slice = more ? rows.slice(0, req.limit) : rows;
  return {
    items: slice.map(map),
    total,
    next_cursor: more ? encodeCursor(slice[slice.length - 1].id, req.list) : null,
  };
}

/** One page of `repo`'s rows matching `where`, in id order, with the total count. */
export async function findPage<E extends { id: string }, T>(
  repo: Repository<E>,
  where: FindOptionsWhere<E>,
  page: PageRequest,
  map: (row: E) => T,
): Promise<Page<T>> {
  const [rows, total] = await Promise.all([
    repo.find({
      where: page.after ? { ...where, id: MoreThan(page.after) } : where,
      order: { id: 'ASC' } as FindOptionsOrder<E>,
      take: page.limit + 1,
    }),
    repo.countBy(where),
  ]);
  return toPage(rows, total, page, map);
}
