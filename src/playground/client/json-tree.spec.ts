import fc from 'fast-check';
import { JsonSyntaxError, lineAndColumn, parseJsonTree, type JsonNode } from './json-tree';

/** The plain value a tree stands for, to compare with JSON.parse. */
function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      // Own properties as JSON.parse makes them, "__proto__" included (an assignment
      // would set the prototype instead).
      return Object.fromEntries(node.properties.map((p) => [p.key, plain(p.value)]));
    case 'array':
      return node.items.map(plain);
    case 'null':
      return null;
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
  }
}

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonTree(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe('parseJsonTree', () => {
  it('keeps the offsets of keys and values', () => {
    const text = '{\n  "start": "menu",\n  "n": [1, true, null]\n}';
    const root = parseJsonTree(text);
    expect(root.kind).toBe('object');
    if (root.kind !== 'object') return;
    const [start, n] = root.properties;
    expect(text.slice(start.keyStart, start.keyEnd)).toBe('"start"');
    expect(text.slice(start.value.start, start.value.end)).toBe('"menu"');
    expect(text.slice(n.value.start, n.value.end)).toBe('[1, true, null]');
    expect(root.start).toBe(0);
    expect(root.end).toBe(text.length);
  });

  it('keeps a "__proto__" key as an own property, as JSON.parse does', () => {
    const text = '{"__proto__": {"x": 1}, "a": 2}';
    expect(plain(parseJsonTree(text))).toEqual(JSON.parse(text));
  });

  it('reads escapes and numbers as JSON.parse does', () => {
    const text = '{"a":"x\\n\\"\\u00e9\\/","b":-1.5e3,"c":0,"d":[{}, []]}';
    expect(plain(parseJsonTree(text))).toEqual(JSON.parse(text));
  });

  it('agrees with JSON.parse on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(plain(parseJsonTree(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['{"a": 1,}', 'Trailing comma before "}"', 8],
    ['[1, 2,]', 'Trailing comma before "]"', 6],
    ['{"a" 1}', 'Expected ":" after the property name "a"', 5],
    ['{"a": 1 "b": 2}', 'Expected "," or "}" after a property value, found """', 8],
    ["{'a': 1}", 'Expected a property name in double quotes, found "\'"', 1],
    ['{"a": // note\n1}', 'Comments are not allowed in JSON', 6],
    ['{"a": "x', 'Unterminated string', 6],
    ['{"a": tru}', 'Unexpected character "t": a value is expected here', 6],
    ['{"a": 01}', 'Invalid number: unexpected "1"', 7],
    ['{"a": 1} x', 'Unexpected text after the end of the JSON value', 9],
    ['', 'Unexpected end of the JSON text: a value is missing', 0],
    ['{"a": [1, 2', 'Unexpected end of the JSON text: "]" is missing', 11],
    ['"a\nb"', 'Line break inside a string: write it as \\n', 2],
    ['"\\x"', 'Invalid escape "\\x" in a string', 1],
  ])('reports %j with its place', (text, message, offset) => {
    const err = syntaxError(text);
    expect(err.message).toBe(message);
    expect(err.offset).toBe(offset);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('gives the line and column of an error', () => {
    const err = syntaxError('{\n  "states": {\n    "a": {},\n  }\n}');
    expect(err.line).toBe(4);
    expect(err.column).toBe(3);
    expect(err.message).toBe('Trailing comma before "}"');
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    const text = '['.repeat(5000) + ']'.repeat(5000);
    expect(syntaxError(text).message).toBe('The JSON is nested too deeply');
  });
});

describe('lineAndColumn', () => {
  it('counts from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
