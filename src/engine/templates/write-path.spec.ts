import { writePath } from './write-path';

describe('writePath', () => {
  it('should write a top-level key', () => {
    const root: Record<string, unknown> = {};
    expect(writePath(root, 'total', 42)).toBe(true);
    expect(root).toEqual({ total: 42 });
  });

  it('should write nested paths without mutating the objects it passes through', () => {
    const shared = { status: 'new', items: [{ sku: 'A' }] };
    const root: Record<string, unknown> = { order: shared };
    writePath(root, 'order.items[0].sku', 'B');
    writePath(root, 'order.status', 'paid');
    expect(root.order).toEqual({ status: 'paid', items: [{ sku: 'B' }] });
    expect(shared).toEqual({ status: 'new', items: [{ sku: 'A' }] });
  });

  it('should create missing containers, lists for numeric keys', () => {
    const root: Record<string, unknown> = {};
    writePath(root, 'a.list[1].x', 1);
    expect(Array.isArray((root.a as Record<string, unknown>).list)).toBe(true);
    expect(root).toEqual({ a: { list: [undefined, { x: 1 }] } });
  });

  it.each(['__proto__.polluted', 'constructor.prototype.polluted', 'a.__proto__'])(
    'should refuse %s',
    (path) => {
      const root: Record<string, unknown> = {};
      expect(writePath(root, path, true)).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(root)).toEqual([]);
    },
  );
});
