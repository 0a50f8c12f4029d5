import { compileValue } from './compile-value';
import { simpleScope } from './render-scope';

describe('compileValue', () => {
  const scope = simpleScope({ total: 12.5, name: 'Asha', tags: ['x'], id: 'a/b' });

  it('should keep JSON types of single-expression values in value mode', () => {
    const render = compileValue(
      {
        total: '{{total}}',
        label: 'Total {{total}}',
        tags: '{{tags}}',
        n: 3,
        ok: true,
        nested: [{ who: '{{name}}' }],
      },
      'value',
      'body',
    );
    expect(render(scope)).toEqual({
      total: 12.5,
      label: 'Total 12.5',
      tags: ['x'],
      n: 3,
      ok: true,
      nested: [{ who: 'Asha' }],
    });
  });

  it('should render text in text mode', () => {
    expect(compileValue({ t: '{{total}}' }, 'text', 'm')(scope)).toEqual({ t: '12.5' });
  });

  it('should URL-encode in url mode', () => {
    expect(compileValue('/x/{{id}}', 'url', 'path')(scope)).toBe('/x/a%2Fb');
  });

  it('should build fresh objects on every render', () => {
    const render = compileValue({ a: { b: 1 } }, 'value', 'x');
    const first = render(scope) as { a: { b: number } };
    first.a.b = 99;
    expect(render(scope)).toEqual({ a: { b: 1 } });
  });

  it('should drop prototype keys', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    const out = compileValue(raw, 'value', 'x')(scope) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
