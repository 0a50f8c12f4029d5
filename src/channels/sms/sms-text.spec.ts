import { readSmsInput, smsReplyIntegration, smsState } from './sms-text';

describe('smsState', () => {
  const menu = {
    type: 'buttons' as const,
    text: 'Pick',
    buttons: [
      { id: 'balance', title: 'Balance' },
      { id: 'help', title: 'Help' },
    ],
  };

  it('should keep the options of the reply, read by number, and the integration it came through', () => {
    const state = smsState([menu], '01JQ0000000000000000000000');
    expect(state.integration_id).toBe('01JQ0000000000000000000000');
    expect(readSmsInput('2', state)).toEqual({
      kind: 'flow',
      message: { type: 'button', button_id: 'help', text: 'Help' },
    });
  });

  it('should keep the options of a menu still waiting after a reply with none (the fallback), and drop them otherwise', () => {
    const waiting = smsState([menu], '01JQ0000000000000000000000');
    const fallback = [{ type: 'text' as const, text: "Sorry, I didn't get that." }];
    const again = smsState(fallback, '01JQ0000000000000000000000', waiting);
    expect(readSmsInput('1', again)).toEqual({
      kind: 'flow',
      message: { type: 'button', button_id: 'balance', text: 'Balance' },
    });
    const moved = smsState(fallback, '01JQ0000000000000000000000', null);
    expect(moved.options).toEqual([]);
  });
});

describe('smsReplyIntegration', () => {
  it('should answer the integration of the last inbound message', () => {
    expect(smsReplyIntegration(smsState([], '01JQ0000000000000000000001'))).toBe(
      '01JQ0000000000000000000001',
    );
  });

  it.each([
    null,
    undefined,
    { options: [] },
    { options: [], integration_id: '' },
    { integration_id: 7 },
  ])('should answer null when the state does not name one (%p)', (state) => {
    expect(smsReplyIntegration(state)).toBeNull();
  });
});
