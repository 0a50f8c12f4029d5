import { FlowCompileError } from '../flow-compile-error';
import { normaliseMessages } from './normalise-messages';

describe('normaliseMessages', () => {
  it('should turn a string into one text message', () => {
    expect(normaliseMessages('Hi {{name}}', undefined, undefined, 's')).toEqual([
      { type: 'text', text: 'Hi {{name}}' },
    ]);
  });

  it('should turn a list of strings into one message each', () => {
    expect(normaliseMessages(['a', 'b'], undefined, undefined, 's')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('should keep GenericMessage objects and mixed lists', () => {
    const image = { type: 'image', media_url: 'https://x/y.png', media_caption: 'Menu' };
    expect(normaliseMessages([image, 'Pick one'], undefined, undefined, 's')).toEqual([
      image,
      { type: 'text', text: 'Pick one' },
    ]);
  });

  it('should attach buttons to the last text message', () => {
    const buttons = [{ id: 'faq', title: 'FAQ' }, 'Support'];
    const out = normaliseMessages(
      ['Hello', 'Choose:', { type: 'image', media_url: 'u' }],
      buttons,
      undefined,
      's',
    );
    expect(out[1]).toEqual({
      type: 'buttons',
      text: 'Choose:',
      buttons: [
        { id: 'faq', title: 'FAQ' },
        { id: 'Support', title: 'Support' },
      ],
    });
    expect(out[0]).toEqual({ type: 'text', text: 'Hello' });
    expect(out[2].type).toBe('image');
  });

  it('should attach a list to the last text message', () => {
    const list = {
      button_text: 'View',
      sections: [{ title: 'General', rows: [{ id: 'hours', title: 'Hours' }] }],
    };
    expect(normaliseMessages('Select a topic', undefined, list, 's')).toEqual([
      { type: 'list', text: 'Select a topic', button_text: 'View', sections: list.sections },
    ]);
  });

  it('should add a message of its own when there is no text to attach to', () => {
    expect(normaliseMessages(undefined, [{ id: 'a', title: 'A' }], undefined, 's')).toEqual([
      { type: 'buttons', text: '', buttons: [{ id: 'a', title: 'A' }] },
    ]);
  });

  it.each([
    [42, undefined, undefined],
    [[{ foo: 1 }], undefined, undefined],
    ['x', 'not a list', undefined],
    ['x', [{ id: 'a', title: 'A' }], { sections: [] }],
    ['x', undefined, { button_text: 'no sections' }],
  ])('should refuse message %j, buttons %j, list %j', (message, buttons, list) => {
    expect(() => normaliseMessages(message, buttons, list, 'states.s')).toThrow(FlowCompileError);
  });
});
