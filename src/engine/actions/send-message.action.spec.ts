import { Conversation } from '../testing/engine-test-kit';

describe('sendMessageAction', () => {
  it('should send every message form with variables filled by earlier actions', async () => {
    const result = await new Conversation({
      start: 's',
      states: {
        s: {
          message: 'first',
          actions: [
            { type: 'SET_VARIABLES', set: { total: 1500 } },
            {
              type: 'SEND_MESSAGE',
              message: [
                'Total {{number total locale="en"}}',
                { type: 'image', media_url: 'https://cdn/{{total}}.png' },
                'Pay?',
              ],
              buttons: [{ id: 'pay', title: 'Pay {{total}}' }],
            },
          ],
        },
      },
    }).start();
    expect(result.messages).toEqual([
      { type: 'text', text: 'first' },
      { type: 'text', text: 'Total 1,500' },
      { type: 'image', media_url: 'https://cdn/1500.png' },
      { type: 'buttons', text: 'Pay?', buttons: [{ id: 'pay', title: 'Pay 1500' }] },
    ]);
  });
});
