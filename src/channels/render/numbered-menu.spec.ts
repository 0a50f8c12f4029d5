import { numberedMenu, readMenuReply, MAX_MENU_OPTIONS } from './numbered-menu';

describe('numberedMenu', () => {
  it('should put a turn on one text, numbering buttons and list rows across it', () => {
    const menu = numberedMenu([
      { type: 'text', text: 'Karibu!' },
      {
        type: 'buttons',
        text: 'Pick one',
        buttons: [
          { id: 'bal', title: 'Balance' },
          { id: 'pay', title: 'Pay' },
        ],
      },
      {
        type: 'list',
        text: 'Or a service',
        button_text: 'See',
        sections: [
          { title: 'More', rows: [{ id: 'help', title: 'Help', description: 'ignored' }] },
        ],
      },
      { type: 'image', media_url: 'https://x/y.png', media_caption: 'Our map' },
      { type: 'document', media_url: 'https://x/t.pdf', media_filename: 'terms.pdf' },
      { type: 'audio', media_url: 'https://x/a.mp3' },
      { type: 'location', latitude: -6.8, longitude: 39.28 },
    ]);
    expect(menu.text).toBe(
      'Karibu!\nPick one\n1. Balance\n2. Pay\nOr a service\nMore\n3. Help\nOur map\nterms.pdf\n-6.8,39.28',
    );
    expect(menu.options.map((o) => [o.number, o.id])).toEqual([
      ['1', 'bal'],
      ['2', 'pay'],
      ['3', 'help'],
    ]);
  });

  it('should stop numbering before the paging controls', () => {
    const buttons = Array.from({ length: 120 }, (_, i) => ({ id: `o${i}`, title: `O${i}` }));
    const menu = numberedMenu([{ type: 'buttons', text: 'Many', buttons }]);
    expect(menu.options).toHaveLength(MAX_MENU_OPTIONS);
    expect(menu.options.at(-1)?.number).toBe('97');
  });
});

describe('readMenuReply', () => {
  const options = [
    { number: '1', id: 'bal', title: 'Balance' },
    { number: '2', id: 'cafe', title: 'Café au lait' },
  ];

  it('should read a number, a title or an id as that option', () => {
    for (const reply of ['1', ' 1 ', 'balance', 'BAL'])
      expect(readMenuReply(reply, options)).toEqual({
        type: 'button',
        text: 'Balance',
        button_id: 'bal',
      });
    expect(readMenuReply('cafe au lait', options)).toMatchObject({ button_id: 'cafe' });
  });

  it('should keep anything else as text, odd input included', () => {
    for (const reply of ['', '*', '**', '1**2', '3', 'x'.repeat(500)])
      expect(readMenuReply(reply, options)).toEqual({ type: 'text', text: reply });
  });
});
