import type { GenericMessage } from '../../engine';
import {
  BUTTONS_LIST_LABEL,
  EMPTY_INTERACTIVE_BODY,
  renderWhatsApp,
  sentAsNumberedText,
  type WhatsAppPayload,
} from './whatsapp-render';

const codePoints = (s: string) => Array.from(s).length;
const buttons = (n: number, title = (i: number) => `Option ${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: `o${i + 1}`, title: title(i + 1) }));
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}`, title: `Row ${i + 1}` }));
const textsOf = (payloads: WhatsAppPayload[]) =>
  payloads.map((p) => (p.body as { text: { body: string } }).text.body);
/** The interactive object of a payload, typed loosely for the assertions. */
interface Interactive {
  type: string;
  body: { text: string };
  action: {
    button?: string;
    buttons: Array<{ type: string; reply: { id: string; title: string } }>;
    sections: Array<{ title?: string; rows: Array<Record<string, string>> }>;
  };
}
const interactiveOf = (payload: WhatsAppPayload) =>
  (payload.body as { interactive: Interactive }).interactive;
/** A lone half of a surrogate pair anywhere in the text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('renderWhatsApp', () => {
  describe('text', () => {
    it('should send a text as text.body', () => {
      expect(renderWhatsApp({ type: 'text', text: 'Karibu!' })).toEqual([
        { body: { type: 'text', text: { body: 'Karibu!' } }, media: false },
      ]);
    });

    it('should send nothing for an empty or blank text', () => {
      expect(renderWhatsApp({ type: 'text', text: '' })).toEqual([]);
      expect(renderWhatsApp({ type: 'text', text: ' \n ' })).toEqual([]);
    });

    it.each([
      ['4096 characters: one message', 'a'.repeat(4096), [4096]],
      ['4097 characters without a space: cut between characters', 'a'.repeat(4097), [4096, 1]],
      ['4096 emoji: one message (code points, not UTF-16 units)', '😀'.repeat(4096), [4096]],
      ['4097 emoji: never half a surrogate pair', '😀'.repeat(4097), [4096, 1]],
    ])('should count %s', (_, text, lengths) => {
      const parts = textsOf(renderWhatsApp({ type: 'text', text }));
      expect(parts.map(codePoints)).toEqual(lengths);
      expect(parts.join('')).toBe(text);
      for (const part of parts) expect(part).not.toMatch(LONE_SURROGATE);
    });

    it('should not split an emoji made of several code points at a cut', () => {
      const family = '👨‍👩‍👧'; // five code points, one grapheme
      const text = 'a'.repeat(4093) + family;
      expect(textsOf(renderWhatsApp({ type: 'text', text }))).toEqual(['a'.repeat(4093), family]);
    });

    it('should cut at a paragraph before a line, a sentence or a word', () => {
      const first = `${'Word '.repeat(500).trim()}.`; // 2500 characters
      const second = `${'Other text. '.repeat(200).trim()}`; // 2399 characters
      const parts = textsOf(renderWhatsApp({ type: 'text', text: `${first}\n\n${second}` }));
      expect(parts).toEqual([first, second]);
    });

    it('should cut at a sentence before a word when no paragraph keeps half the part', () => {
      const sentence = 'This sentence has exactly fifty characters in it. ';
      const text = sentence.repeat(100); // 5000 characters, sentences ending on 50s
      const parts = textsOf(renderWhatsApp({ type: 'text', text }));
      expect(parts.map(codePoints)).toEqual([4049, 949]);
      expect(parts[0].endsWith('in it.')).toBe(true);
      expect(parts[1].startsWith('This')).toBe(true);
    });

    it('should cut at a word when there is no sentence end, dropping the spaces at the cut', () => {
      const text = 'abcd '.repeat(1000).trim(); // 4999 characters
      const parts = textsOf(renderWhatsApp({ type: 'text', text }));
      expect(parts.every((p) => codePoints(p) <= 4096 && p === p.trim())).toBe(true);
      expect(parts.join(' ')).toBe(text);
    });

    it('should prefer a later sentence end to an early paragraph that leaves a short part', () => {
      const text = `Hi.\n\n${'Long sentence here. '.repeat(300)}`;
      const parts = textsOf(renderWhatsApp({ type: 'text', text }));
      expect(parts[0].startsWith('Hi.\n\nLong')).toBe(true);
      expect(codePoints(parts[0])).toBeGreaterThan(2048);
    });
  });

  describe('buttons', () => {
    it('should send 1–3 buttons as reply buttons', () => {
      const [payload, ...rest] = renderWhatsApp({
        type: 'buttons',
        text: 'Pick',
        buttons: buttons(3),
      });
      expect(rest).toEqual([]);
      expect(payload).toEqual({
        body: {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Pick' },
            action: {
              buttons: [1, 2, 3].map((i) => ({
                type: 'reply',
                reply: { id: `o${i}`, title: `Option ${i}` },
              })),
            },
          },
        },
        media: false,
      });
    });

    it.each([
      [3, 'button'],
      [4, 'list'],
      [10, 'list'],
    ])('should send %i buttons as %s', (n, kind) => {
      const [payload] = renderWhatsApp({ type: 'buttons', text: 'Pick', buttons: buttons(n) });
      expect(interactiveOf(payload).type).toBe(kind);
    });

    it('should send 4–10 buttons as one list section labelled with BUTTONS_LIST_LABEL', () => {
      const [payload] = renderWhatsApp({ type: 'buttons', text: 'Pick', buttons: buttons(4) });
      expect(interactiveOf(payload).action).toEqual({
        button: BUTTONS_LIST_LABEL,
        sections: [{ rows: buttons(4) }],
      });
    });

    it('should send 11 buttons as numbered text', () => {
      const payloads = renderWhatsApp({ type: 'buttons', text: 'Pick', buttons: buttons(11) });
      expect(textsOf(payloads)).toEqual([
        ['Pick', ...buttons(11).map((b, i) => `${i + 1}. ${b.title}`)].join('\n'),
      ]);
    });

    it.each([
      ['a 20-character title as is', 'x'.repeat(20), 'x'.repeat(20)],
      ['a 21-character title shortened with …', 'x'.repeat(21), `${'x'.repeat(19)}…`],
      ['before an emoji that would not fit whole', `${'x'.repeat(18)}👨‍👩‍👧`, `${'x'.repeat(18)}…`],
      ['without a space before the …', `${'x'.repeat(18)} yz`, `${'x'.repeat(18)}…`],
    ])('should send %s', (_, title, sent) => {
      const [payload] = renderWhatsApp({
        type: 'buttons',
        text: 'Pick',
        buttons: [{ id: 'b1', title }],
      });
      expect(interactiveOf(payload).action.buttons[0].reply).toEqual({ id: 'b1', title: sent });
    });

    it('should send a menu with an id over 200 characters as numbered text (ids are never cut)', () => {
      const long = { id: 'i'.repeat(201), title: 'Yes' };
      const [payload] = renderWhatsApp({ type: 'buttons', text: 'Pick', buttons: [long] });
      expect(textsOf([payload])).toEqual(['Pick\n1. Yes']);
      expect(sentAsNumberedText({ type: 'buttons', text: 'Pick', buttons: [long] })).toBe(true);
      const row = { ...long, id: 'r'.repeat(201) };
      expect(
        sentAsNumberedText({
          type: 'list',
          text: 'Pick',
          button_text: 'Menu',
          sections: [{ rows: [row] }],
        }),
      ).toBe(true);
    });

    it('should keep ids whole and show the id of a button without a title', () => {
      const id = 'i'.repeat(200);
      const [payload] = renderWhatsApp({
        type: 'buttons',
        text: 'Pick',
        buttons: [
          { id, title: 'Yes' },
          { id: 'no', title: ' ' },
        ],
      });
      expect(interactiveOf(payload).action.buttons.map((b) => b.reply)).toEqual([
        { id, title: 'Yes' },
        { id: 'no', title: 'no' },
      ]);
    });

    it('should send buttons whose shortened titles clash as a list showing the whole titles', () => {
      const [payload] = renderWhatsApp({
        type: 'buttons',
        text: 'Pay which bill?',
        buttons: [
          { id: 'water', title: 'Pay the monthly bill: water' },
          { id: 'power', title: 'Pay the monthly bill: power' },
        ],
      });
      const { type, action } = interactiveOf(payload);
      expect(type).toBe('list');
      expect(action.sections[0].rows).toEqual([
        {
          id: 'water',
          title: 'Pay the monthly bill: w…',
          description: 'Pay the monthly bill: water',
        },
        {
          id: 'power',
          title: 'Pay the monthly bill: p…',
          description: 'Pay the monthly bill: power',
        },
      ]);
    });

    it('should send buttons without any as a plain text', () => {
      expect(textsOf(renderWhatsApp({ type: 'buttons', text: 'Hi', buttons: [] }))).toEqual(['Hi']);
    });
  });

  describe('interactive body', () => {
    it('should not count white space at the end of a body against its limit', () => {
      const text = `${'b '.repeat(512).trim()}\n\n  `; // 1023 characters, then white space
      const payloads = renderWhatsApp({ type: 'buttons', text, buttons: buttons(2) });
      expect(payloads).toHaveLength(1);
      expect(interactiveOf(payloads[0]).body.text).toBe(text.trimEnd());
    });

    it.each([
      ['1024 characters: the whole text is the body', 1024],
      ['no text: a pointing hand as the body', 0],
    ])('should send %s', (_, length) => {
      const text = 'b'.repeat(length);
      const payloads = renderWhatsApp({ type: 'buttons', text, buttons: buttons(2) });
      expect(payloads).toHaveLength(1);
      expect(interactiveOf(payloads[0]).body.text).toBe(text || EMPTY_INTERACTIVE_BODY);
    });

    it('should send a body over 1024 characters as text first, its last paragraph as the body', () => {
      const intro = 'Read this first. '.repeat(70).trim(); // 1189 characters
      const payloads = renderWhatsApp({
        type: 'buttons',
        text: `${intro}\n\nChoose one:`,
        buttons: buttons(2),
      });
      expect(payloads).toHaveLength(2);
      expect(textsOf(payloads.slice(0, 1))).toEqual([intro]);
      expect(interactiveOf(payloads[1]).body.text).toBe('Choose one:');
    });

    it('should keep as many whole sentences as fit in the body when there is no paragraph', () => {
      const text = 'Read this first. '.repeat(70).trim();
      const payloads = renderWhatsApp({ type: 'buttons', text, buttons: buttons(2) });
      const [lead] = textsOf(payloads.slice(0, 1));
      const body = interactiveOf(payloads[1]).body.text;
      expect(codePoints(body)).toBe(1019); // 60 sentences of 16 characters and 59 spaces
      expect(body.startsWith('Read')).toBe(true);
      expect(`${lead} ${body}`).toBe(text);
    });

    it('should send a 1025-character body without spaces as 1 character of text, then 1024', () => {
      const payloads = renderWhatsApp({
        type: 'list',
        text: 'c'.repeat(1025),
        button_text: 'Go',
        sections: [{ rows: rows(1) }],
      });
      expect(textsOf(payloads.slice(0, 1))).toEqual(['c']);
      expect(interactiveOf(payloads[1]).body.text).toBe('c'.repeat(1024));
    });
  });

  describe('list', () => {
    const list = (over: Partial<Extract<GenericMessage, { type: 'list' }>>): GenericMessage => ({
      type: 'list',
      text: 'Services',
      button_text: 'See all',
      sections: [{ title: 'Main', rows: rows(2) }],
      ...over,
    });

    it('should send a list with its button text, sections and rows', () => {
      expect(renderWhatsApp(list({}))).toEqual([
        {
          body: {
            type: 'interactive',
            interactive: {
              type: 'list',
              body: { text: 'Services' },
              action: { button: 'See all', sections: [{ title: 'Main', rows: rows(2) }] },
            },
          },
          media: false,
        },
      ]);
    });

    it.each([
      [10, 'interactive'],
      [11, 'text'],
    ])('should send %i rows across sections as %s', (n, type) => {
      const payloads = renderWhatsApp(
        list({
          sections: [
            { title: 'A', rows: rows(n).slice(0, 5) },
            { title: 'B', rows: rows(n).slice(5) },
          ],
        }),
      );
      expect(payloads).toHaveLength(1);
      expect(payloads[0].body.type).toBe(type);
    });

    it('should number the rows of a list over 10 rows, under their section titles', () => {
      const payloads = renderWhatsApp(list({ sections: [{ title: 'All', rows: rows(11) }] }));
      const [text] = textsOf(payloads);
      expect(text.split('\n').slice(0, 4)).toEqual(['Services', 'All', '1. Row 1', '2. Row 2']);
      expect(text.endsWith('11. Row 11')).toBe(true);
    });

    it.each([
      ['button text', 20, 'x'.repeat(20), 'x'.repeat(20)],
      ['button text', 20, 'x'.repeat(21), `${'x'.repeat(19)}…`],
      ['section title', 24, 'y'.repeat(24), 'y'.repeat(24)],
      ['section title', 24, 'y'.repeat(25), `${'y'.repeat(23)}…`],
      ['row title', 24, 'z'.repeat(24), 'z'.repeat(24)],
      ['row title', 24, 'z'.repeat(25), `${'z'.repeat(23)}…`],
      ['row description', 72, 'd'.repeat(72), 'd'.repeat(72)],
      ['row description', 72, 'd'.repeat(73), `${'d'.repeat(71)}…`],
    ])('should fit a %s to %i characters: %s', (field, _, given, sent) => {
      const message = list({
        button_text: field === 'button text' ? given : 'Go',
        sections: [
          {
            title: field === 'section title' ? given : 'S',
            rows: [
              {
                id: 'r1',
                title: field === 'row title' ? given : 'R',
                description: field === 'row description' ? given : 'D',
              },
            ],
          },
        ],
      });
      const { action } = interactiveOf(renderWhatsApp(message)[0]);
      const sentField = {
        'button text': action.button,
        'section title': action.sections[0].title,
        'row title': action.sections[0].rows[0].title,
        'row description': action.sections[0].rows[0].description,
      }[field];
      expect(sentField).toBe(sent);
    });

    it('should show a shortened row title whole as the description when the row has none', () => {
      const title = 'A very long row title that goes on';
      const [payload] = renderWhatsApp(list({ sections: [{ rows: [{ id: 'r', title }] }] }));
      expect(interactiveOf(payload).action.sections[0].rows[0]).toEqual({
        id: 'r',
        title: 'A very long row title t…',
        description: title,
      });
    });

    it('should merge sections that are not all titled (Meta requires titles on several)', () => {
      const [payload] = renderWhatsApp(
        list({
          sections: [{ title: 'A', rows: rows(2) }, { rows: [{ id: 'x', title: 'X' }] }],
        }),
      );
      expect(interactiveOf(payload).action.sections).toEqual([
        { rows: [...rows(2), { id: 'x', title: 'X' }] },
      ]);
    });

    it('should drop empty sections, keep an untitled single one, and label a blank button', () => {
      const [payload] = renderWhatsApp(
        list({ button_text: ' ', sections: [{ title: 'Empty', rows: [] }, { rows: rows(1) }] }),
      );
      expect(interactiveOf(payload).action).toEqual({
        button: BUTTONS_LIST_LABEL,
        sections: [{ rows: rows(1) }],
      });
    });

    it('should send a list without rows as its text', () => {
      expect(textsOf(renderWhatsApp(list({ sections: [{ title: 'A', rows: [] }] })))).toEqual([
        'Services',
      ]);
    });
  });

  describe('media', () => {
    it.each<[GenericMessage, Record<string, unknown>]>([
      [
        { type: 'image', media_url: 'https://x/a.png', media_caption: 'Map' },
        { type: 'image', image: { link: 'https://x/a.png', caption: 'Map' } },
      ],
      [
        { type: 'video', media_url: 'https://x/a.mp4' },
        { type: 'video', video: { link: 'https://x/a.mp4' } },
      ],
      [
        {
          type: 'document',
          media_url: 'https://x/t.pdf',
          media_caption: 'Terms',
          media_filename: 'terms.pdf',
        },
        {
          type: 'document',
          document: { link: 'https://x/t.pdf', caption: 'Terms', filename: 'terms.pdf' },
        },
      ],
      [
        { type: 'audio', media_url: 'https://x/a.ogg', mime_type: 'audio/ogg' },
        { type: 'audio', audio: { link: 'https://x/a.ogg' } },
      ],
      [
        { type: 'image', media_id: '1234567890', media_caption: 'Yours' },
        { type: 'image', image: { id: '1234567890', caption: 'Yours' } },
      ],
      [
        { type: 'image', media_url: 'https://x/a.png', media_id: '99' },
        { type: 'image', image: { link: 'https://x/a.png' } },
      ],
    ])('should send %j by link, else by id', (message, body) => {
      expect(renderWhatsApp(message)).toEqual([{ body, media: true }]);
    });

    it('should send only the caption, as text, of media with neither link nor id', () => {
      expect(renderWhatsApp({ type: 'image', media_caption: 'Our map' })).toEqual([
        { body: { type: 'text', text: { body: 'Our map' } }, media: false },
      ]);
      expect(renderWhatsApp({ type: 'audio', media_url: ' ' })).toEqual([]);
    });

    it.each([
      [1024, 1],
      [1025, 2],
    ])('should send a %i-character caption in %i message(s)', (length, count) => {
      const caption = 'p'.repeat(length);
      const payloads = renderWhatsApp({
        type: 'video',
        media_url: 'https://x/v',
        media_caption: caption,
      });
      expect(payloads).toHaveLength(count);
      const last = payloads.at(-1)!;
      expect(last.media).toBe(true);
      expect(codePoints((last.body.video as { caption: string }).caption)).toBe(
        Math.min(length, 1024),
      );
    });
  });

  describe('location and inbound-only types', () => {
    it('should send a location with its name and address', () => {
      expect(
        renderWhatsApp({ type: 'location', latitude: -6.8, longitude: 39.28, name: 'Ofisi' }),
      ).toEqual([
        {
          body: { type: 'location', location: { latitude: -6.8, longitude: 39.28, name: 'Ofisi' } },
          media: false,
        },
      ]);
    });

    it('should send what is known of a place without usable coordinates as text', () => {
      expect(
        textsOf(
          renderWhatsApp({
            type: 'location',
            latitude: Number.NaN,
            longitude: 39.28,
            name: 'Ofisi',
            address: 'Mtaa 1',
          }),
        ),
      ).toEqual(['Ofisi\nMtaa 1']);
    });

    it('should render nothing for a pressed button or a sticker (inbound only)', () => {
      expect(renderWhatsApp({ type: 'button', text: 'Yes', button_id: 'yes' })).toEqual([]);
      expect(renderWhatsApp({ type: 'sticker', media_id: '77' })).toEqual([]);
    });
  });
});
