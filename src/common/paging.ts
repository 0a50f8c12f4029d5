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
}

/** Parses `?limit=&cursor=`; a cursor is an opaque base64url of the last id seen. */
export function pageRequest(query: { limit?: unknown; cursor?: unknown }): PageRequest {
  let limit = 50;
  if (query.limit !== undefined) {
    const n = Number(query.limit);
    if (typeof query.limit !== 'string' || !/^\d+$/.test(query.limit) || n < 1 || n > 200) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid paging parameters.', [
        { path: 'limit', message: 'limit must be a whole number from 1 to 200.' },
      ]);
    }
    limit = n;
  }
  let after: string | null = null;
  if (query.cursor !== undefined && query.cursor !== '') {
    const raw =
      typeof query.cursor === 'string'
        ? Buffer.from(query.cursor, 'base64url').toString('utf8')
        : '';
    if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(raw)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid paging parameters.', [
        { path: 'cursor', message: 'cursor is not one this API returned.' },
      ]);
    }
    after = raw;
  }
  return { limit, after };
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
    next_cursor: more
      ? Buffer.from(slice[slice.length - 1].id, 'utf8').toString('base64url')
      : null,
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
