import { simpleScope } from '../templates/render-scope';
import { collectChoices, compileMessages } from './compile-messages';

describe('compileMessages', () => {
  it('should render every string field but type', () => {
    const [render] = compileMessages(
      [
        {
          type: 'list',
          text: 'Hi {{name}}',
          button_text: 'View',
          sections: [{ title: 'S', rows: [{ id: 'r{{n}}', title: 'Row {{n}}' }] }],
        },
      ],
      'm',
    );
    expect(render(simpleScope({ name: 'Zoë', n: 1 }))).toEqual({
      type: 'list',
      text: 'Hi Zoë',
      button_text: 'View',
      sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row 1' }] }],
    });
  });
});

describe('collectChoices', () => {
  it('should collect buttons and list rows', () => {
    const choices = collectChoices(
      [
        { type: 'buttons', text: 'x', buttons: [{ id: 'a', title: 'Alpha' }] },
        {
          type: 'list',
          text: 'y',
          sections: [{ rows: [{ id: 'r', title: 'Row' }, { title: 'Only title' }] }],
        },
      ],
      'm',
    );
    const scope = simpleScope({});
    expect(choices.map((c) => [c.id.render(scope), c.title.render(scope)])).toEqual([
      ['a', 'Alpha'],
      ['r', 'Row'],
      ['Only title', 'Only title'],
    ]);
  });
});
