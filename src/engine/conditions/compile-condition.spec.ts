import { FlowCompileError } from '../flow-compile-error';
import { compileCondition } from './compile-condition';

const vars = {
  order: { status: 'shipped', items: [{ sku: 'A-1' }], total: 1500, note: '' },
  age: '42',
  tags: ['vip', 'new'],
  email: 'zoe@example.com',
  date: '2026-11-22',
  meta: {},
};

describe('compileCondition', () => {
  it.each([
    [{ var: 'order.status', op: 'eq', value: 'shipped' }, true],
    [{ var: 'variables.order.status', op: 'eq', value: 'shipped' }, true],
    [{ var: 'order.status', op: 'ne', value: 'shipped' }, false],
    [{ var: 'age', op: 'eq', value: 42 }, true],
    [{ var: 'age', op: 'gt', value: 40 }, true],
    [{ var: 'age', op: 'gte', value: 42 }, true],
    [{ var: 'age', op: 'lt', value: 42 }, false],
    [{ var: 'age', op: 'lte', value: 42 }, true],
    [{ var: 'order.total', op: 'gt', value: '999' }, true],
    [{ var: 'date', op: 'lt', value: '2027-01-01' }, true],
    [{ var: 'order.missing', op: 'gt', value: 0 }, false],
    [{ var: 'email', op: 'contains', value: '@example' }, true],
    [{ var: 'tags', op: 'contains', value: 'vip' }, true],
    [{ var: 'tags', op: 'contains', value: 'old' }, false],
    [{ var: 'order', op: 'contains', value: 'status' }, true],
    [{ var: 'email', op: 'starts_with', value: 'zoe' }, true],
    [{ var: 'email', op: 'matches', value: '^[^@]+@example\\.com$' }, true],
    [{ var: 'order.items[0].sku', op: 'matches', value: '^B' }, false],
    [{ var: 'order.items[0].sku', op: 'exists' }, true],
    [{ var: 'order.items[3].sku', op: 'exists' }, false],
    [{ var: 'order.items[3].sku', op: 'exists', value: false }, true],
    [{ var: 'order.note', op: 'empty' }, true],
    [{ var: 'meta', op: 'empty' }, true],
    [{ var: 'tags', op: 'empty' }, false],
    [{ var: 'tags', op: 'empty', value: false }, true],
    [{ var: 'order.status', op: 'in', value: ['paid', 'shipped'] }, true],
    [{ var: 'order.status', op: 'in', value: ['paid'] }, false],
    [
      {
        all: [
          { var: 'age', op: 'gt', value: 18 },
          { var: 'tags', op: 'contains', value: 'vip' },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { var: 'age', op: 'gt', value: 18 },
          { var: 'tags', op: 'contains', value: 'x' },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { var: 'age', op: 'gt', value: 100 },
          { var: 'tags', op: 'contains', value: 'vip' },
        ],
      },
      true,
    ],
    [{ not: { var: 'order.status', op: 'eq', value: 'shipped' } }, false],
  ])('should evaluate %j as %s', (condition, expected) => {
    expect(compileCondition(condition, 'when')(vars)).toBe(expected);
  });

  it.each([
    [null, 'invalid_condition'],
    [{ op: 'eq', value: 1 }, 'invalid_condition'],
    [{ var: 'a', op: 'eval', value: '1' }, 'invalid_condition'],
    [{ all: 'nope' }, 'invalid_condition'],
    [{ var: 'a', op: 'matches', value: '([' }, 'invalid_regex'],
    [{ var: 'constructor', op: 'exists' }, 'invalid_condition'],
    [{ var: 'order.__proto__', op: 'exists' }, 'invalid_condition'],
  ])('should refuse %j', (condition, code) => {
    expect(() => compileCondition(condition, 'states.s.transitions[0].when')).toThrow(
      FlowCompileError,
    );
    try {
      compileCondition(condition, 'p');
    } catch (error) {
      expect((error as FlowCompileError).code).toBe(code);
    }
  });

  it('should never evaluate code in values', () => {
    const check = compileCondition({ var: 'x', op: 'eq', value: 'process.exit(1)' }, 'w');
    expect(check({ x: 'process.exit(1)' })).toBe(true);
    expect(check({ x: 1 })).toBe(false);
  });
});
