import { QueryFailedError } from 'typeorm';
import { missingParentTable, NAMED_STATEMENTS_MAX, sqlState, statementName } from './sql';

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

describe('missingParentTable', () => {
  const fkError = (detail: string) =>
    new QueryFailedError('INSERT', [], Object.assign(new Error('fk'), { code: '23503', detail }));

  it('should name the table a write referred to and did not find', () => {
    const err = fkError('Key (chatbot_id)=(01M99D3X) is not present in table "chatbots".');
    expect(missingParentTable(err)).toBe('chatbots');
  });

  it('should not take a refused delete, or any other error, for a missing parent', () => {
    const refusedDelete = fkError('Key (id)=(01M99D3X) is still referenced from table "flows".');
    expect(missingParentTable(refusedDelete)).toBeUndefined();
    const unique = Object.assign(new Error('dup'), {
      code: '23505',
      detail: 'Key (name)=(x) is not present in table "chatbots".',
    });
    expect(missingParentTable(unique)).toBeUndefined();
    expect(missingParentTable(null)).toBeUndefined();
  });
});

describe('statementName', () => {
  it('should name a text the same way every time, and no other text so', () => {
    const a = statementName('SELECT 1 WHERE $1::int > 0');
    expect(a).toMatch(/^s_[A-Za-z0-9_-]{32}$/);
    expect(statementName('SELECT 1 WHERE $1::int > 0')).toBe(a);
    expect(statementName('SELECT 2 WHERE $1::int > 0')).not.toBe(a);
  });

  it('should stop naming new texts at NAMED_STATEMENTS_MAX, keeping the names it gave', () => {
    const first = statementName('SELECT 0');
    for (let n = 1; n < NAMED_STATEMENTS_MAX * 2; n++) statementName(`SELECT ${n}`);
    expect(statementName(`SELECT ${NAMED_STATEMENTS_MAX * 3}`)).toBeUndefined();
    expect(statementName('SELECT 0')).toBe(first);
  });
});
