import type { GenericMessage } from '../../../engine/generic-message';
import { describeMessage } from './render-model';

const bot = { from: 'bot' as const };

describe('describeMessage', () => {
  it('should keep a text with its line breaks and links', () => {
    expect(describeMessage({ type: 'text', text: 'Hi\nsee https://a.test' }, bot)).toEqual({
      from: 'bot',
      blocks: [
        {
          kind: 'text',
          parts: [
            { kind: 'text', text: 'Hi\nsee ' },
            { kind: 'link', text: 'https://a.test', href: 'https://a.test' },
          ],
        },
      ],
    });
  });

  it('should turn buttons into one group of choices after the text', () => {
    const v = describeMessage(
      {
        type: 'buttons',
        text: 'Pick one',
        buttons: [
          { id: 'a', title: 'Alpha' },
          { id: 'b', title: 'Beta' },
        ],
      },
      bot,
    );
    expect(v.blocks).toEqual([
      { kind: 'text', parts: [{ kind: 'text', text: 'Pick one' }] },
      {
        kind: 'choices',
        label: 'Pick one',
        groups: [
          {
            choices: [
              { id: 'a', title: 'Alpha' },
              { id: 'b', title: 'Beta' },
            ],
          },
        ],
      },
    ]);
  });

  it('should turn a list into titled groups of rows with descriptions, labelled by button_text', () => {
    const v = describeMessage(
      {
        type: 'list',
        text: 'Menu',
        button_text: 'Open menu',
        sections: [
          { title: 'Drinks', rows: [{ id: 'tea', title: 'Tea', description: 'Hot' }] },
          { rows: [{ id: 'help', title: 'Help' }] },
        ],
      },
      bot,
    );
    expect(v.blocks[1]).toEqual({
      kind: 'choices',
      label: 'Open menu',
      groups: [
        { title: 'Drinks', choices: [{ id: 'tea', title: 'Tea', description: 'Hot' }] },
        { choices: [{ id: 'help', title: 'Help' }] },
      ],
    });
  });

  it('should draw media with http(s) URLs and their captions', () => {
    expect(
      describeMessage(
        { type: 'image', media_url: 'https://cdn.test/p.png', media_caption: 'A cat' },
        bot,
      ).blocks,
    ).toEqual([
      { kind: 'image', src: 'https://cdn.test/p.png', alt: 'A cat' },
      { kind: 'text', parts: [{ kind: 'text', text: 'A cat' }] },
    ]);
    expect(
      describeMessage({ type: 'video', media_url: 'https://cdn.test/v.mp4' }, bot).blocks,
    ).toEqual([{ kind: 'video', src: 'https://cdn.test/v.mp4', label: 'Video' }]);
    expect(
      describeMessage({ type: 'audio', media_url: 'http://cdn.test/a.ogg' }, bot).blocks,
    ).toEqual([{ kind: 'audio', src: 'http://cdn.test/a.ogg', label: 'Audio' }]);
    expect(
      describeMessage(
        {
          type: 'document',
          media_url: 'https://cdn.test/r.pdf',
          media_filename: 'receipt.pdf',
          media_caption: 'Your receipt',
        },
        bot,
      ).blocks,
    ).toEqual([
      { kind: 'link', href: 'https://cdn.test/r.pdf', text: 'receipt.pdf', icon: 'document' },
      { kind: 'text', parts: [{ kind: 'text', text: 'Your receipt' }] },
    ]);
  });

  it('should never use a non-web URL as a source or link, and show a placeholder instead', () => {
    const bad: GenericMessage[] = [
      { type: 'image', media_url: 'javascript:alert(1)' },
      { type: 'video', media_id: 'wamid-1' },
      { type: 'audio', media_url: 'data:audio/ogg;base64,AA' },
      { type: 'document', media_url: 'file:///etc/passwd' },
    ];
    for (const m of bad) {
      const blocks = describeMessage(m, bot).blocks;
      expect(blocks.map((b) => b.kind)).toEqual(['text']);
      expect(JSON.stringify(blocks)).not.toMatch(/javascript|data:|file:/);
    }
  });

  it('should link a location to its coordinates on a map, with name and address', () => {
    expect(
      describeMessage(
        {
          type: 'location',
          latitude: -6.8,
          longitude: 39.28,
          name: 'Office',
          address: 'Dar es Salaam',
        },
        bot,
      ).blocks,
    ).toEqual([
      {
        kind: 'link',
        href: 'https://www.openstreetmap.org/?mlat=-6.8&mlon=39.28#map=16/-6.8/39.28',
        text: 'Office, Dar es Salaam (-6.8,39.28)',
        icon: 'location',
      },
    ]);
    expect(
      describeMessage({ type: 'location', latitude: 1, longitude: 2 }, bot).blocks[0],
    ).toMatchObject({
      text: '1,2',
    });
    expect(
      describeMessage({ type: 'location', latitude: 999, longitude: 2, name: 'X' }, bot).blocks,
    ).toEqual([{ kind: 'text', parts: [{ kind: 'text', text: 'X' }] }]);
  });

  it('should show a pressed button as the visitor’s text, and label agent replies', () => {
    expect(
      describeMessage({ type: 'button', text: 'Alpha', button_id: 'a' }, { from: 'user' }),
    ).toEqual({
      from: 'user',
      blocks: [{ kind: 'text', parts: [{ kind: 'text', text: 'Alpha' }] }],
    });
    expect(
      describeMessage({ type: 'text', text: 'Hi' }, { from: 'bot', responder: 'HUMAN' }).agent,
    ).toBe('Agent');
    expect(
      describeMessage({ type: 'text', text: 'Hi' }, { from: 'bot', responder: 'BOT' }).agent,
    ).toBeUndefined();
  });

  it('should show the type of a message it does not know rather than nothing', () => {
    const future = { type: 'carousel' } as unknown as GenericMessage;
    expect(describeMessage(future, bot).blocks).toEqual([
      { kind: 'text', parts: [{ kind: 'text', text: '[carousel]' }] },
    ]);
  });
});
