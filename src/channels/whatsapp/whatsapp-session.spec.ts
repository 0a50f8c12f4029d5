import {
  readWhatsAppInput,
  readWhatsAppSessionKey,
  whatsappSessionKey,
  whatsappState,
} from './whatsapp-session';

describe('whatsapp session state', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    id: `o${i + 1}`,
    title: `Option ${i + 1}`,
  }));

  it('should keep the options of a menu sent as numbered text, and read a typed number as its id', () => {
    const state = whatsappState([{ type: 'buttons', text: 'Pick', buttons: many }], 1000);
    expect(state.last_inbound_at).toBe(1000);
    expect(state.options).toHaveLength(12);
    expect(readWhatsAppInput({ type: 'text', text: '11' }, state)).toEqual({
      kind: 'flow',
      message: { type: 'button', button_id: 'o11', text: 'Option 11' },
    });
  });

  it('should number a menu whose id is too long for Meta, and forget options after an interactive menu', () => {
    const long = [{ id: 'x'.repeat(201), title: 'Yes' }];
    const numbered = whatsappState([{ type: 'buttons', text: 'Pick', buttons: long }], 1);
    expect(readWhatsAppInput({ type: 'text', text: '1' }, numbered)).toEqual({
      kind: 'flow',
      message: { type: 'button', button_id: 'x'.repeat(201), text: 'Yes' },
    });
    const interactive = whatsappState(
      [{ type: 'buttons', text: 'Pick', buttons: [{ id: 'y', title: 'Yes' }] }],
      2,
    );
    expect(interactive.options).toEqual([]);
    expect(readWhatsAppInput({ type: 'text', text: '1' }, interactive)).toEqual({
      kind: 'flow',
      message: { type: 'text', text: '1' },
    });
  });
});

describe('readWhatsAppSessionKey', () => {
  const integrationId = '01JQ0000000000000000000000';

  it('should read back the integration and a phone user, addressed by number', () => {
    expect(readWhatsAppSessionKey(whatsappSessionKey(integrationId, '+255700000001'))).toEqual({
      integrationId,
      to: { userId: '+255700000001', userKind: 'phone' },
    });
  });

  it('should read back a business-scoped user, addressed by id', () => {
    expect(readWhatsAppSessionKey(whatsappSessionKey(integrationId, 'TZ.ENT.abc123'))).toEqual({
      integrationId,
      to: { userId: 'TZ.ENT.abc123', userKind: 'bsuid' },
    });
  });

  it.each([
    null,
    '',
    '+255700000001',
    ':+255700000001',
    `${integrationId}:`,
    `${integrationId}:bob`,
  ])('should not read a key of another form (%p)', (key) => {
    expect(readWhatsAppSessionKey(key)).toBeNull();
  });
});
