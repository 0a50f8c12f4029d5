import type { GenericMessage } from '../../engine';
import { channelPreview } from './channel-preview';

const chars = (s: string) => Array.from(s).length;

const menu = (n: number): GenericMessage => ({
  type: 'buttons',
  text: 'Choose a service',
  buttons: Array.from({ length: n }, (_, i) => ({
    id: `s${i + 1}`,
    title: `Service number ${i + 1}`,
  })),
});

describe('channelPreview', () => {
  it('shows a short menu as one USSD screen, WhatsApp reply buttons and a numbered SMS', () => {
    const preview = channelPreview([{ type: 'text', text: 'Karibu!' }, menu(2)], true);
    expect(preview.ussd).toEqual({
      screens: ['Karibu!\nChoose a service\n1. Service number 1\n2. Service number 2'],
      ends: false,
      maxChars: 182,
    });
    expect(preview.whatsapp).toEqual({
      bubbles: [
        { kind: 'text', text: 'Karibu!' },
        {
          kind: 'buttons',
          body: 'Choose a service',
          buttons: ['Service number 1', 'Service number 2'],
        },
      ],
      notes: [],
    });
    expect(preview.sms).toEqual({
      text: 'Karibu!\nChoose a service\n1. Service number 1\n2. Service number 2',
      encoding: 'GSM-7',
      units: 64,
      parts: 1,
    });
  });

  it('pages a 12-option menu on USSD and falls back to numbered text on WhatsApp', () => {
    const preview = channelPreview([menu(12)], true);
    const { screens } = preview.ussd;
    expect(screens.length).toBeGreaterThan(1);
    for (const screen of screens) expect(chars(screen)).toBeLessThanOrEqual(182);
    expect(screens[0].endsWith('\n98. More')).toBe(true);
    expect(screens[1].split('\n')).toContain('0. Back');
    expect(screens.join('\n')).toContain('12. Service number 12');

    expect(preview.whatsapp.bubbles).toHaveLength(1);
    const [bubble] = preview.whatsapp.bubbles;
    expect(bubble.kind).toBe('text');
    if (bubble.kind === 'text') {
      expect(bubble.text.split('\n')[0]).toBe('Choose a service');
      expect(bubble.text).toContain('12. Service number 12');
    }
    expect(preview.whatsapp.notes).toEqual([
      '12 buttons: sent as numbered text (a WhatsApp list holds 10 rows).',
    ]);
  });

  it('sends 4–10 buttons as a WhatsApp list, and says so', () => {
    const preview = channelPreview([menu(5)], true);
    const [bubble] = preview.whatsapp.bubbles;
    expect(bubble).toMatchObject({ kind: 'list', body: 'Choose a service', button: 'Menu' });
    if (bubble.kind === 'list') expect(bubble.sections[0].rows).toHaveLength(5);
    expect(preview.whatsapp.notes).toEqual([
      '5 buttons: sent as a list (WhatsApp shows at most 3 buttons).',
    ]);
  });

  it('shortens long list rows the way WhatsApp needs, keeping the full title as description', () => {
    const preview = channelPreview(
      [
        {
          type: 'list',
          text: 'Pick',
          button_text: 'Open',
          sections: [
            { title: 'All', rows: [{ id: 'a', title: 'A row title that is much too long' }] },
          ],
        },
      ],
      true,
    );
    expect(preview.whatsapp.bubbles[0]).toEqual({
      kind: 'list',
      body: 'Pick',
      button: 'Open',
      sections: [
        {
          title: 'All',
          rows: [
            { title: 'A row title that is muc…', description: 'A row title that is much too long' },
          ],
        },
      ],
    });
  });

  it('cuts a closing USSD reply to one screen', () => {
    const long = 'Thank you for your order. '.repeat(12);
    const preview = channelPreview([{ type: 'text', text: long }], false);
    expect(preview.ussd.ends).toBe(true);
    expect(preview.ussd.screens).toHaveLength(1);
    expect(preview.ussd.screens[0].endsWith('...')).toBe(true);
    expect(
      channelPreview([{ type: 'text', text: long }], true).ussd.screens.length,
    ).toBeGreaterThan(1);
  });

  it('uses the screen size given', () => {
    const preview = channelPreview([menu(4)], true, 60);
    expect(preview.ussd.maxChars).toBe(60);
    for (const screen of preview.ussd.screens) expect(chars(screen)).toBeLessThanOrEqual(60);
  });

  it('counts SMS segments, UCS-2 when a character is outside GSM', () => {
    const gsm = channelPreview([{ type: 'text', text: 'x'.repeat(161) }], true);
    expect(gsm.sms).toMatchObject({ encoding: 'GSM-7', units: 161, parts: 2 });
    const emoji = channelPreview([{ type: 'text', text: 'Hi 😀' }], true);
    expect(emoji.sms).toMatchObject({ encoding: 'UCS-2', parts: 1 });
    // Curly quotes are folded to plain ones so the message stays GSM-7.
    expect(channelPreview([{ type: 'text', text: '“ok”' }], true).sms).toMatchObject({
      text: '"ok"',
      encoding: 'GSM-7',
    });
  });

  it('shows media, documents and locations', () => {
    const preview = channelPreview(
      [
        { type: 'image', media_url: 'https://x/y.png', media_caption: 'Our shop' },
        { type: 'document', media_id: 'm1', media_filename: 'terms.pdf' },
        { type: 'location', latitude: -6.8, longitude: 39.28, name: 'Office' },
      ],
      true,
    );
    expect(preview.whatsapp.bubbles).toEqual([
      {
        kind: 'media',
        media: 'image',
        caption: 'Our shop',
        source: 'https://x/y.png',
        filename: undefined,
      },
      {
        kind: 'media',
        media: 'document',
        caption: undefined,
        source: 'media id m1',
        filename: 'terms.pdf',
      },
      { kind: 'location', latitude: -6.8, longitude: 39.28, name: 'Office', address: undefined },
    ]);
    expect(preview.ussd.screens[0]).toBe('Our shop\nterms.pdf\nOffice');
  });

  it('previews an empty turn as nothing', () => {
    const preview = channelPreview([], true);
    expect(preview.whatsapp.bubbles).toEqual([]);
    expect(preview.sms.text).toBe('');
    expect(preview.ussd.screens).toEqual(['']);
  });
});
