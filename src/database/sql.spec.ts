import { QueryFailedError } from 'typeorm';
import { sqlState } from './sql';

describe('sqlState', () => {
  it('should read the SQLSTATE from a pg error and from a TypeORM QueryFailedError', () => {
    const pgError = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(sqlState(pgError)).toBe('23505');
    expect(sqlState(new QueryFailedError('INSERT', [], pgError))).toBe('23505');
  });

  it('should ignore errors without one (e.g. a Node system error code)', () => {
    expect(sqlState(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(sqlState('boom')).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });
});
