import { parseResponseBody } from './parse-response-body';

describe('parseResponseBody', () => {
  it('should parse JSON by content type and by content', () => {
    expect(parseResponseBody(Buffer.from('{"a":1}'), 'application/json').body).toEqual({ a: 1 });
    expect(parseResponseBody(Buffer.from('[1,2]'), 'text/plain').body).toEqual([1, 2]);
    expect(parseResponseBody(Buffer.from('{"a":1}'), undefined).body).toEqual({ a: 1 });
  });

  it('should keep text that is not JSON, even when labelled JSON', () => {
    expect(parseResponseBody(Buffer.from('hello'), 'text/plain').body).toBe('hello');
    expect(parseResponseBody(Buffer.from('{broken'), 'application/json').body).toBe('{broken');
  });

  it('should return undefined for an empty body', () => {
    expect(parseResponseBody(Buffer.alloc(0), 'application/json').body).toBeUndefined();
    expect(parseResponseBody(Buffer.from('  \n'), 'text/plain').body).toBeUndefined();
  });

  it('should make strings storable: NUL dropped, a lone surrogate replaced, pairs kept', () => {
    const json = Buffer.from(
      '{"a":"x\\u0000y","b":"\\ud800!","c":"\\ud83d\\ude00","d":["\\udc00"]}',
    );
    expect(parseResponseBody(json, 'application/json').body).toEqual({
      a: 'xy',
      b: '\uFFFD!',
      c: '😀',
      d: ['\uFFFD'],
    });
    expect(parseResponseBody(Buffer.from('{"k\\udc00":1}'), 'application/json').body).toEqual({
      'k\uFFFD': 1,
    });
    expect(parseResponseBody(Buffer.from('not json \u0000 here'), 'text/plain').body).toBe(
      'not json  here',
    );
  });

  it('should leave out prototype keys, and keep JSON nested deeper than 64 levels as text', () => {
    const proto = Buffer.from('{"__proto__":{"polluted":"yes"},"ok":"fine","a":{"constructor":1}}');
    const body = parseResponseBody(proto, 'application/json').body as Record<string, unknown>;
    expect(body).toEqual({ ok: 'fine', a: {} });
    expect(Object.keys(body)).toEqual(['ok', 'a']);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(parseResponseBody(Buffer.from(deep), 'application/json').body).toBe(deep);
    const ok = `${'['.repeat(64)}1${']'.repeat(64)}`;
    expect(parseResponseBody(Buffer.from(ok), 'application/json').body).toEqual(JSON.parse(ok));
  });

  it('should honour a declared charset', () => {
    const latin1 = Buffer.from('café', 'latin1');
    expect(parseResponseBody(latin1, 'text/plain; charset=ISO-8859-1').body).toBe('café');
    expect(parseResponseBody(Buffer.from('café'), 'text/plain; charset=nonsense').body).toBe(
      'café',
    );
  });
});
