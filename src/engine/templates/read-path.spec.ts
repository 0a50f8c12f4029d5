import { isForbiddenKey, parsePath, readPath } from './read-path';

describe('readPath', () => {
  const data = {
    order: { items: [{ sku: 'A-1' }, { sku: 'B-2' }], status: 'shipped' },
    'with space': 1,
    name: 'Zoë',
    zero: 0,
  };

  it.each([
    ['order.status', 'shipped'],
    ['order.items[1].sku', 'B-2'],
    ['order.items.[0].sku', 'A-1'],
    ['order.items.0.sku', 'A-1'],
    ['["with space"]', 1],
    ['name.length', 3],
    ['order.items.length', 2],
    ['zero', 0],
  ])('should read %s', (path, expected) => {
    expect(readPath(data, path)).toBe(expected);
  });

  it.each(['missing', 'order.missing.deeper', 'order.items[5].sku', 'name.first', 'zero.x'])(
    'should read %s as undefined',
    (path) => {
      expect(readPath(data, path)).toBeUndefined();
    },
  );

  it.each([
    '__proto__',
    'constructor',
    'order.constructor',
    'order.__proto__.toString',
    'name.constructor.name',
    'x.prototype',
  ])('should never follow the prototype key in %s', (path) => {
    expect(readPath(data, path)).toBeUndefined();
  });

  it('should not read inherited properties', () => {
    const child = Object.create({ inherited: 'secret' }) as Record<string, unknown>;
    expect(readPath({ child }, 'child.inherited')).toBeUndefined();
    expect(readPath({}, 'toString')).toBeUndefined();
  });

  it('should reject malformed paths', () => {
    expect(parsePath('a[0')).toBeNull();
    expect(parsePath('')).toBeNull();
    expect(parsePath('a[]')).toBeNull();
    expect(parsePath('a.b[2].c')).toEqual(['a', 'b', '2', 'c']);
  });

  it('should name the forbidden keys', () => {
    expect(['__proto__', 'constructor', 'prototype'].every(isForbiddenKey)).toBe(true);
    expect(isForbiddenKey('proto')).toBe(false);
  });
});
