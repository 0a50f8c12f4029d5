/**
 * A strict JSON parser (RFC 8259, what `JSON.parse` accepts) that keeps where every value
 * and key sits in the source text. The playground needs both things `JSON.parse` does not
 * give in the same way in every browser: the position of a syntax error, and the offsets of
 * the parts of the document, to put the cursor on the place a validation path names.
 */

interface Span {
  /** Offset of the first character (UTF-16 code units, as the editor counts). */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export interface JsonProperty {
  key: string;
  /** The key's opening quote. */
  keyStart: number;
  /** Just past the key's closing quote. */
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | (Span & { kind: 'object'; properties: JsonProperty[] })
  | (Span & { kind: 'array'; items: JsonNode[] })
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'number'; value: number })
  | (Span & { kind: 'boolean'; value: boolean })
  | (Span & { kind: 'null' });

/** A syntax error with its place: `line` and `column` start at 1, as editors show them. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Far deeper than any flow may be (64 levels); it only keeps the recursion off the stack limit. */
const MAX_DEPTH = 512;

/** Parses `text` as one JSON value; throws JsonSyntaxError at the first mistake. */
export function parseJsonTree(text: string): JsonNode {
  const parser = new Parser(text);
  parser.skipSpace();
  const root = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail('Unexpected text after the end of the JSON value');
  return root;
}

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  value(depth: number): JsonNode {
    const ch = this.text[this.pos];
    if (ch === undefined) this.fail('Unexpected end of the JSON text: a value is missing');
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch === '"') {
      const start = this.pos;
      const value = this.string();
      return { kind: 'string', value, start, end: this.pos };
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        const start = this.pos;
        this.pos += word.length;
        return { ...node, start, end: this.pos };
      }
    }
    if (ch === '/') this.fail('Comments are not allowed in JSON');
    if (ch === "'") this.fail('Strings must use double quotes (") in JSON');
    this.fail(`Unexpected character ${describe(ch)}: a value is expected here`);
  }

  private object(depth: number): JsonNode {
    const start = this.pos;
    this.enter(depth);
    this.pos++;
    const properties: JsonProperty[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', properties, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch !== '"') {
        if (ch === '}' && properties.length > 0) this.fail('Trailing comma before "}"');
        if (ch === undefined) this.fail('Unexpected end of the JSON text: "}" is missing');
        if (ch === '/') this.fail('Comments are not allowed in JSON');
        this.fail(`Expected a property name in double quotes, found ${describe(ch)}`);
      }
      const keyStart = this.pos;
      const key = this.string();
      const keyEnd = this.pos;
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`Expected ":" after the property name "${key}"`);
      this.pos++;
      this.skipSpace();
      const value = this.value(depth + 1);
      properties.push({ key, keyStart, keyEnd, value });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        return { kind: 'object', properties, start, end: this.pos };
      }
      if (next === undefined) this.fail('Unexpected end of the JSON text: "}" is missing');
      this.fail(`Expected "," or "}" after a property value, found ${describe(next)}`);
    }
  }

  private array(depth: number): JsonNode {
    const start = this.pos;
    this.enter(depth);
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']' && items.length > 0) this.fail('Trailing comma before "]"');
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        return { kind: 'array', items, start, end: this.pos };
      }
      if (next === undefined) this.fail('Unexpected end of the JSON text: "]" is missing');
      this.fail(`Expected "," or "]" after an array item, found ${describe(next)}`);
    }
  }

  private string(): string {
    const open = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.failAt(open, 'Unterminated string');
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch === '\\') {
        out += this.escape();
        continue;
      }
      if (ch < ' ') {
        this.fail(
          ch === '\n'
            ? 'Line break inside a string: write it as \\n'
            : 'Control character inside a string',
        );
      }
      out += ch;
      this.pos++;
    }
  }

  private escape(): string {
    const ch = this.text[this.pos + 1];
    const simple = ch === undefined ? undefined : ESCAPES[ch];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (ch === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape: four hex digits expected');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    this.fail(`Invalid escape "\\${ch ?? ''}" in a string`);
  }

  private number(): JsonNode {
    const start = this.pos;
    const match = NUMBER.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail('Invalid number');
    this.pos += match[0].length;
    const after = this.text[this.pos];
    if (after !== undefined && /[0-9A-Za-z.]/.test(after))
      this.fail(`Invalid number: unexpected ${describe(after)}`);
    return { kind: 'number', value: Number(match[0]), start, end: this.pos };
  }

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch !== ' ' && ch !== '\n' && ch !== '\r' && ch !== '\t') return;
      this.pos++;
    }
  }

  private enter(depth: number): void {
    if (depth >= MAX_DEPTH) this.fail('The JSON is nested too deeply');
  }

  fail(message: string): never {
    this.failAt(this.pos, message);
  }

  private failAt(offset: number, message: string): never {
    const { line, column } = lineAndColumn(this.text, offset);
    throw new JsonSyntaxError(message, offset, line, column);
  }
}

const LITERALS: ReadonlyArray<[string, { kind: 'boolean'; value: boolean } | { kind: 'null' }]> = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

function describe(ch: string): string {
  return /\s/.test(ch) ? JSON.stringify(ch) : `"${ch}"`;
}

/** 1-based line and column of an offset (a column counts UTF-16 units, as CodeMirror does). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
