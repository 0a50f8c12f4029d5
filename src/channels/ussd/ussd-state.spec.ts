import fc from 'fast-check';
import type { GenericMessage } from '../../engine';
import type { UssdEvent } from './gateways/ussd-gateway';
import { ownScreen, readUssdInput, shownScreen, ussdState, type UssdState } from './ussd-state';

const chars = (s: string) => Array.from(s).length;

/** A gateway request as readUssdInput reads it. */
const req = (event: UssdEvent, input: string, step: string | null = null) => ({
  event,
  input,
  step,
});

describe('USSD state', () => {
  it('should join a turn into one screen with numbered options and GSM-friendly text', () => {
    const state = ussdState(
      [
        { type: 'text', text: '“Karibu” — São Tomé' },
        {
          type: 'buttons',
          text: 'Choose:',
          buttons: [
            { id: 'a', title: 'Airtime' },
            { id: 'b', title: 'Bundles' },
          ],
        },
        { type: 'image', media_url: 'https://x/y.png', media_caption: 'Our shop' },
      ],
      182,
    );
    expect(shownScreen(state)).toBe(
      '"Karibu" - Sao Tomé\nChoose:\n1. Airtime\n2. Bundles\nOur shop',
    );
    expect(state.options.map((o) => o.id)).toEqual(['a', 'b']);
  });

  it('should never show a screen over the limit, whatever the flow sends', () => {
    const word = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('😀', '👍🏽', 'ñandú', 'x'.repeat(400), '\n', ' '),
    );
    const text = fc.array(word, { maxLength: 80 }).map((w) => w.join(' '));
    const message: fc.Arbitrary<GenericMessage> = fc.oneof(
      text.map((t) => ({ type: 'text' as const, text: t })),
      fc.array(text, { minLength: 1, maxLength: 120 }).map((titles) => ({
        type: 'buttons' as const,
        text: 'Pick one',
        buttons: titles.map((title, i) => ({ id: `o${i}`, title: title || 'x' })),
      })),
    );
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 4 }),
        fc.integer({ min: 40, max: 300 }),
        fc.boolean(),
        (messages, max, open) => {
          const state = ussdState(messages, max, open);
          for (const screen of state.screens) expect(chars(screen)).toBeLessThanOrEqual(max);
          expect(state.options.length).toBeLessThanOrEqual(97);
          if (!open) expect(state.screens).toHaveLength(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should cut a reply that ends the session to one screen, and fit sentences of its own', () => {
    const long = 'Asante sana kwa kununua. '.repeat(20);
    const ended = ussdState([{ type: 'text', text: long }], 182, false);
    expect(ended.screens).toHaveLength(1);
    expect(chars(ended.screens[0])).toBe(182);
    expect(ended.screens[0].endsWith('...')).toBe(true);
    expect(ownScreen('Sorry — “later”.', 60)).toBe('Sorry - "later".');
    expect(chars(ownScreen('x'.repeat(300), 60))).toBe(60);
  });

  const paged: UssdState = { screens: ['one\n98. More', 'two\n0. Back'], page: 0, options: [] };

  it('should page with 98 and 0 aside from the flow, and send anything else to it', () => {
    expect(readUssdInput(req('input', '98', '2*98'), paged)).toEqual({
      kind: 'aside',
      state: { ...paged, page: 1, step: '2*98' },
    });
    expect(readUssdInput(req('input', '0'), { ...paged, page: 1 })).toEqual({
      kind: 'aside',
      state: { ...paged, step: null },
    });
    expect(readUssdInput(req('input', '0'), paged)).toEqual({
      kind: 'flow',
      message: { type: 'text', text: '0' },
    });
  });

  it('should read a number, title or id as the option shown, and show a repeated dial again', () => {
    const menu = ussdState(
      [{ type: 'buttons', text: 'Menu', buttons: [{ id: 'bal', title: 'Salio' }] }],
      182,
    );
    const option = { kind: 'flow', message: { type: 'button', text: 'Salio', button_id: 'bal' } };
    expect(readUssdInput(req('input', '1'), menu)).toEqual(option);
    expect(readUssdInput(req('input', 'salio'), menu)).toEqual(option);
    expect(readUssdInput(req('input', 'BAL'), menu)).toEqual(option);
    expect(readUssdInput(req('input', '2'), menu)).toEqual({
      kind: 'flow',
      message: { type: 'text', text: '2' },
    });
    expect(readUssdInput(req('start', ''), menu)).toEqual({ kind: 'aside', state: menu });
    // A stored state this version cannot read is ignored, not trusted.
    expect(readUssdInput(req('input', '1'), { screens: 'x' })).toEqual({
      kind: 'flow',
      message: { type: 'text', text: '1' },
    });
  });

  it('should show the last screen again for a retry of the request it answered, and only then', () => {
    const asked: UssdState = { screens: ['Your PIN?'], page: 0, options: [], step: '1' };
    expect(readUssdInput(req('input', '1', '1'), asked)).toEqual({
      kind: 'aside',
      state: asked,
      repeat: true,
    });
    // The next input of the session, the same text typed again where the gateway numbers
    // its requests, and a gateway that cannot tell a retry apart: all go to the flow.
    for (const next of [req('input', '1', '1*1'), req('input', '1', '3'), req('input', '1')])
      expect(readUssdInput(next, asked)).toEqual({
        kind: 'flow',
        message: { type: 'text', text: '1' },
      });
  });
});
