import { FlowCompileError } from '../flow-compile-error';
import { compileTemplate } from './compile-template';
import { simpleScope } from './render-scope';

const variables = {
  contact_name: 'Zoë',
  city: 'Dar es Salaam',
  profile: {
    orders: [
      { id: 'ORD-1', total: 1234.5 },
      { id: 'ORD-2', total: 10 },
    ],
  },
  count: 3,
  countText: '3',
  empty: '',
  list: ['a', 'b'],
  flag: true,
  nothing: null,
  order: { status: 'shipped', eta: '2026-06-01' },
  user_data: { body: { name: 'Asha' } },
  locale: 'de-DE',
};

function render(
  source: string,
  vars: Record<string, unknown> = variables,
  errors: string[] = [],
): string {
  return compileTemplate(source).render(simpleScope(vars, errors));
}

describe('compileTemplate', () => {
  it("should render log as nothing, and never write a flow's variables to the console", () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation(() => undefined),
    );
    try {
      expect(render('a{{log variables "secret"}}b')).toBe('ab');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  describe('paths', () => {
    it.each([
      ['Hi {{variables.contact_name}}!', 'Hi Zoë!'],
      ['Hi {{contact_name}}!', 'Hi Zoë!'],
      ['{{variables.profile.orders[0].id}}', 'ORD-1'],
      ['{{profile.orders[1].id}}', 'ORD-2'],
      ['{{profile.orders.[1].id}}', 'ORD-2'],
      ['{{user_data.body.name}}', 'Asha'],
      ['{{variables.order.status}} / {{order.eta}}', 'shipped / 2026-06-01'],
      ['Karibu {{city}} 🌍 — ñ', 'Karibu Dar es Salaam 🌍 — ñ'],
    ])('should render %s', (source, expected) => {
      expect(render(source)).toBe(expected);
    });

    it.each([
      '{{missing}}',
      '{{variables.missing.deep}}',
      '{{profile.orders[9].id}}',
      '{{nothing}}',
    ])('should render the missing path %s as an empty string', (source) => {
      expect(render(`[${source}]`)).toBe('[]');
    });

    it('should not HTML-escape', () => {
      expect(render('{{v}}', { v: `<b>"Tom & Jerry's"</b>` })).toBe(`<b>"Tom & Jerry's"</b>`);
    });

    it.each([
      '{{constructor}}',
      '{{__proto__}}',
      '{{order.constructor.name}}',
      '{{lookup order "constructor"}}',
      '{{order.__proto__}}',
      '{{list.constructor.prototype}}',
    ])('should never resolve the prototype key in %s', (source) => {
      expect(render(`[${source}]`)).toBe('[]');
    });

    it('should not expose inherited properties', () => {
      const inherited = Object.create({ secret: 'x' }) as Record<string, unknown>;
      expect(render('[{{o.secret}}]', { o: inherited })).toBe('[]');
    });
  });

  describe('helpers', () => {
    it.each([
      ['{{#if (eq count "3")}}yes{{else}}no{{/if}}', 'yes'],
      ['{{#if (eq countText 3)}}yes{{else}}no{{/if}}', 'yes'],
      ['{{#if (ne count 4)}}yes{{else}}no{{/if}}', 'yes'],
      ['{{#if (gt count 2)}}yes{{else}}no{{/if}}', 'yes'],
      ['{{#if (lt count 2)}}yes{{else}}no{{/if}}', 'no'],
      ['{{#if (and flag count)}}yes{{else}}no{{/if}}', 'yes'],
      ['{{#if (and flag empty)}}yes{{else}}no{{/if}}', 'no'],
      ['{{or empty contact_name}}', 'Zoë'],
      ['{{#if (not empty)}}yes{{/if}}', 'yes'],
      ['{{default empty missing "friend"}}', 'friend'],
      ['{{default contact_name "friend"}}', 'Zoë'],
      ['{{json order}}', '{"status":"shipped","eta":"2026-06-01"}'],
      ['{{json list}}', '["a","b"]'],
      ['[{{json missing}}]', '[]'],
      ['{{upper contact_name}}', 'ZOË'],
      ['{{lower "ÀBC"}}', 'àbc'],
      ['[{{upper missing}}]', '[]'],
      ['{{number profile.orders[0].total locale="en"}}', '1,234.5'],
      ['{{number profile.orders[0].total}}', '1.234,5'],
      ['{{number 2 decimals=2 locale="en"}}', '2.00'],
      ['{{number "abc"}}', 'abc'],
      ['{{date "2026-11-22"}}', '2026-11-22'],
      ['{{date "2026-11-22T14:05:00Z" "DD/MM/YYYY HH:mm"}}', '22/11/2026 14:05'],
      ['{{date "2026-11-22" "DD MMM YYYY"}}', '22 Nov 2026'],
      ['{{date "2026-11-22" "long" locale="en"}}', 'November 22, 2026'],
      ['[{{date "not a date"}}]', '[]'],
      ['{{length list}}', '2'],
      ['{{length contact_name}}', '3'],
      ['{{length order}}', '2'],
      ['{{length missing}}', '0'],
      ['{{#each list}}{{@index}}:{{this}};{{/each}}', '0:a;1:b;'],
      ['{{#with order}}{{status}}{{/with}}', 'shipped'],
      ['{{#unless flag}}no{{else}}yes{{/unless}}', 'yes'],
    ])('should render %s', (source, expected) => {
      expect(render(source)).toBe(expected);
    });

    it('should format currencies (the separator may be a no-break space)', () => {
      expect(render('{{number 1500 currency="TZS" locale="en"}}')).toMatch(/^TZS\s1,500\.00$/);
    });

    it('should reject unknown helpers when compiling', () => {
      expect(() => compileTemplate('{{shout name}}', 'text', 'states.a.message')).toThrow(
        FlowCompileError,
      );
    });

    it('should reject syntax errors with the path', () => {
      try {
        compileTemplate('{{#if x}}open', 'text', 'states.a.message');
        fail('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(FlowCompileError);
        expect((error as FlowCompileError).code).toBe('invalid_template');
        expect((error as FlowCompileError).path).toBe('states.a.message');
      }
    });
  });

  describe('run-time errors', () => {
    it('should render empty and report instead of throwing', () => {
      const errors: string[] = [];
      expect(render('before {{#each}}x{{/each}} after', variables, errors)).toBe('');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/iterator/);
    });
  });

  describe('value()', () => {
    const scope = simpleScope(variables);
    it.each([
      ['{{count}}', 3],
      ['{{flag}}', true],
      ['{{variables.list}}', ['a', 'b']],
      ['{{profile.orders[0]}}', { id: 'ORD-1', total: 1234.5 }],
      ['{{ order.status }}', 'shipped'],
      ['{{nothing}}', null],
      ['{{missing}}', ''],
      ['{{count}} items', '3 items'],
      ['{{json count}}', '3'],
      ['plain', 'plain'],
    ])('should give %s the value %j', (source, expected) => {
      expect(compileTemplate(source).value(scope)).toEqual(expected);
    });
  });

  describe('url mode', () => {
    const urlVars = { id: '../admin', q: 'a/b?x=1&y=2', name: 'Zoë B', n: 5 };
    const scope = simpleScope(urlVars);
    it.each([
      ['/orders/{{id}}', '/orders/..%2Fadmin'],
      ['/search/{{q}}/x', '/search/a%2Fb%3Fx%3D1%26y%3D2/x'],
      ['{{name}}', 'Zo%C3%AB%20B'],
      ['/u/{{upper name}}', '/u/ZO%C3%8B%20B'],
      ['/n/{{n}}{{#if n}}/{{id}}{{/if}}', '/n/5/..%2Fadmin'],
      ['/static/path?literal=1', '/static/path?literal=1'],
      ['/m/{{missing}}', '/m/'],
    ])('should encode every value in %s', (source, expected) => {
      expect(compileTemplate(source, 'url').render(scope)).toBe(expected);
    });
  });
});

describe('compileTemplate fast path', () => {
  // A trailing comment forces the Handlebars path; both must agree.
  const viaHandlebars = (source: string, mode: 'text' | 'url' = 'text') =>
    compileTemplate(`${source}{{! force Handlebars }}`, mode);
  const scope = simpleScope({
    name: 'Zoë',
    n: 0,
    f: 1.5,
    yes: false,
    list: ['a', 'b'],
    nested: { deep: [{ x: 'y/z' }] },
    nothing: null,
    obj: { a: 1 },
  });

  it.each([
    'Hi {{name}}!',
    '{{variables.name}} {{ name }} {{{name}}}',
    '{{n}}|{{f}}|{{yes}}|{{list}}|{{nothing}}|{{missing.path}}',
    '{{nested.deep[0].x}} and {{nested.deep.[0].x}}',
    '{{constructor}}{{name.constructor}}{{__proto__}}',
    '{{name.length}}',
    '{{obj}}',
    'a {{name}} b {{n}} c',
  ])('should render %s exactly like Handlebars', (source) => {
    expect(compileTemplate(source).render(scope)).toBe(viaHandlebars(source).render(scope));
  });

  it.each(['/x/{{nested.deep[0].x}}', '/{{name}}/{{n}}/{{missing}}'])(
    'should encode %s exactly like Handlebars in url mode',
    (source) => {
      expect(compileTemplate(source, 'url').render(scope)).toBe(
        viaHandlebars(source, 'url').render(scope),
      );
    },
  );
});
