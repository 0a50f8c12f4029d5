import fc from 'fast-check';
import { MIN_SCREEN_CHARS, ussdScreens } from './ussd-screens';

const len = (s: string) => Array.from(s).length;
/** The text a user pages through, without the control lines. */
const content = (screens: string[]) =>
  screens.map((s) => s.replace(/\n?98\. More$/, '').replace(/\n?0\. Back$/, ''));

describe('ussdScreens', () => {
  it('should leave a screen that fits as it is', () => {
    expect(ussdScreens('Welcome\n1. Balance\n2. Pay', 182)).toEqual([
      'Welcome\n1. Balance\n2. Pay',
    ]);
  });

  it('should page long option lists between lines, with More on all but the last and Back on all but the first', () => {
    const text = [
      'Pick a region:',
      ...Array.from({ length: 30 }, (_, i) => `${i + 1}. Region ${i + 1}`),
    ].join('\n');
    const screens = ussdScreens(text, 182);
    expect(screens.length).toBeGreaterThan(2);
    screens.forEach((screen, i) => {
      expect(len(screen)).toBeLessThanOrEqual(182);
      expect(screen.endsWith('98. More')).toBe(i < screens.length - 1);
      expect(screen.includes('0. Back')).toBe(i > 0);
    });
    // Every option line survives whole, in order.
    const lines = content(screens).join('\n').split('\n');
    expect(lines).toEqual(text.split('\n'));
  });

  it('should cut a word longer than a screen, and never split an emoji', () => {
    const word = '😀'.repeat(400);
    const screens = ussdScreens(word, 100);
    for (const s of screens) expect(len(s)).toBeLessThanOrEqual(100);
    expect(content(screens).join('')).toBe(word);
    for (const s of screens) expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('should never exceed the limit, and keep every word, whatever the text', () => {
    const piece = fc.oneof(
      fc.constantFrom(' ', '\n', '😀', 'é', '1. Option', 'supercalifragilistic'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 80 }),
        fc.integer({ min: 0, max: 300 }),
        (parts, max) => {
          const text = parts.join('');
          const screens = ussdScreens(text, max);
          const limit = Math.max(MIN_SCREEN_CHARS, max);
          for (const s of screens) expect(len(s)).toBeLessThanOrEqual(limit);
          const words = (s: string) =>
            s
              .split(/[ \n]+/)
              .filter(Boolean)
              .join('');
          expect(words(content(screens).join(' '))).toBe(words(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
