import { findBadInput } from './input-scan';

describe('findBadInput', () => {
  it('accepts ordinary text, emoji and nesting up to the limit', () => {
    expect(findBadInput({ message: 'Habari 👋🏾', list: [{ a: 'é' }] }, '')).toBeUndefined();
    let deep: unknown = 'x';
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(findBadInput(deep, '')).toBeUndefined();
  });

  it('names the path of a NUL in a value or a key', () => {
    expect(findBadInput({ contact: { name: 'a\u0000b' } }, '')).toEqual({
      path: 'contact.name',
      message: expect.stringMatching(/NUL/),
    });
    expect(findBadInput({ list: ['ok', { 'x\u0000': 1 }] }, '')).toEqual({
      path: 'list[1]."x\\u0000"',
      message: expect.stringMatching(/field name containing a NUL/),
    });
    expect(findBadInput({ user: '\u0000' }, 'query')).toMatchObject({ path: 'query.user' });
  });

  it('refuses unpaired surrogates but not pairs', () => {
    expect(findBadInput({ message: 'a\ud800' }, '')).toMatchObject({
      path: 'message',
      message: expect.stringMatching(/unpaired UTF-16 surrogate/),
    });
    expect(findBadInput({ message: '\udc00' }, '')).toBeDefined();
    expect(findBadInput({ message: '\ud83d\ude00' }, '')).toBeUndefined();
  });

  it('refuses nesting past the limit without recursing, at any depth', () => {
    let deep: unknown = {};
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(findBadInput(deep, '')?.message).toMatch(/nested deeper than 64 levels/);
    expect(findBadInput([[['x']]], '', 2)).toMatchObject({ path: '[0][0]' });
  });
});
