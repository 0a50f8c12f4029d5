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
