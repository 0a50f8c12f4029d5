import { isSendableMessage } from './sendable-message';

describe('isSendableMessage', () => {
  it('should accept every outbound type with the fields it needs', () => {
    for (const m of [
      { type: 'text', text: 'Hi' },
      { type: 'buttons', text: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
      { type: 'list', text: 'Pick', sections: [{ title: 'S', rows: [{ id: 'r', title: 'R' }] }] },
      { type: 'image', media_url: 'https://cdn.example/x.png', media_caption: 'x' },
      { type: 'document', media_id: '123', media_filename: 'a.pdf' },
      { type: 'location', latitude: -6.8, longitude: 39.28, name: 'Duka' },
      { type: 'template', name: 'reminder', language: 'en', components: [] },
    ])
      expect({ m, ok: isSendableMessage(m) }).toEqual({ m, ok: true });
  });

  it('should refuse unknown and inbound-only types, and missing or mistyped fields', () => {
    for (const m of [
      null,
      'text',
      { type: 'bogus', text: 'x' },
      { type: 'button', text: 'x', button_id: 'x' },
      { type: 'sticker', media_id: '1' },
      { type: 'text' },
      { type: 'buttons', text: 'Pick', buttons: [] },
      { type: 'buttons', text: 'Pick', buttons: [{ id: '', title: 'A' }] },
      { type: 'list', text: 'Pick', sections: [{ rows: [{ id: 'r' }] }] },
      { type: 'image', media_caption: 'no file' },
      { type: 'location', latitude: '1', longitude: 2 },
      { type: 'template', name: 'x' },
    ])
      expect({ m, ok: isSendableMessage(m) }).toEqual({ m, ok: false });
  });
});
