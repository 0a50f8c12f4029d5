import type { GenericMessage } from '../../engine';
import { ProviderRequestError } from '../provider-request';
import { readWhatsAppWebhook } from './whatsapp-events';

const PNID = '106540352242922';
const USER = '255700000001';
const BSUID = 'TZ.13491208655302741918';
const TS = '1764900000';

const metadata = (phoneNumberId = PNID) => ({
  display_phone_number: '15550783881',
  phone_number_id: phoneNumberId,
});
const contact = (name = 'Asha Mwinyi', waId: string | undefined = USER, userId?: string) => ({
  profile: { name },
  ...(waId ? { wa_id: waId } : {}),
  ...(userId ? { user_id: userId } : {}),
});
/** A message from USER as Meta writes it; `content` adds the type's own fields. */
const msg = (type: string, content: Record<string, unknown>, id = 'wamid.HBgM1') => ({
  from: USER,
  id,
  timestamp: TS,
  type,
  ...content,
});
const value = (fields: Record<string, unknown>, phoneNumberId = PNID) => ({
  messaging_product: 'whatsapp',
  metadata: metadata(phoneNumberId),
  ...fields,
});
const body = (...changes: Array<{ field?: string; value: unknown }>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: changes.map((c) => ({ field: 'messages', ...c })) }],
});
/** The events of one `messages` change holding these messages, sent by the usual contact. */
const read = (...messages: unknown[]) =>
  readWhatsAppWebhook(body({ value: value({ contacts: [contact()], messages }) }));

const envelopePath = (raw: unknown) => {
  try {
    readWhatsAppWebhook(raw);
  } catch (err) {
    if (err instanceof ProviderRequestError) return err.path;
    throw err;
  }
  throw new Error('expected a ProviderRequestError');
};

describe('readWhatsAppWebhook', () => {
  describe('messages', () => {
    it.each<[string, Record<string, unknown>, GenericMessage]>([
      ['a text', msg('text', { text: { body: 'Habari' } }), { type: 'text', text: 'Habari' }],
      [
        'a reply button',
        msg('interactive', {
          interactive: { type: 'button_reply', button_reply: { id: 'menu.pay', title: 'Pay' } },
        }),
        { type: 'button', button_id: 'menu.pay', text: 'Pay' },
      ],
      [
        'a list row',
        msg('interactive', {
          interactive: {
            type: 'list_reply',
            list_reply: { id: 'row-2', title: 'Dar es Salaam', description: 'Coast' },
          },
        }),
        { type: 'button', button_id: 'row-2', text: 'Dar es Salaam' },
      ],
      [
        "a template's quick-reply button",
        msg('button', { button: { payload: 'STOP_PROMO', text: 'Stop promotions' } }),
        { type: 'button', button_id: 'STOP_PROMO', text: 'Stop promotions' },
      ],
      [
        'a quick-reply button without payload (its text is the id)',
        msg('button', { button: { text: 'Yes' } }),
        { type: 'button', button_id: 'Yes', text: 'Yes' },
      ],
      [
        'an image with a caption',
        msg('image', {
          image: {
            caption: 'My receipt',
            mime_type: 'image/jpeg',
            sha256: 'abc=',
            id: '1479537139650973',
          },
        }),
        {
          type: 'image',
          media_id: '1479537139650973',
          mime_type: 'image/jpeg',
          media_caption: 'My receipt',
        },
      ],
      [
        'a video',
        msg('video', { video: { mime_type: 'video/mp4', sha256: 'abc=', id: '3121' } }),
        { type: 'video', media_id: '3121', mime_type: 'video/mp4' },
      ],
      [
        'a voice note',
        msg('audio', {
          audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'abc=', id: '777', voice: true },
        }),
        { type: 'audio', media_id: '777', mime_type: 'audio/ogg; codecs=opus' },
      ],
      [
        'a document',
        msg('document', {
          document: {
            caption: 'Invoice',
            filename: 'invoice-42.pdf',
            mime_type: 'application/pdf',
            sha256: 'abc=',
            id: '888',
          },
        }),
        {
          type: 'document',
          media_id: '888',
          mime_type: 'application/pdf',
          media_caption: 'Invoice',
          media_filename: 'invoice-42.pdf',
        },
      ],
      [
        'a sticker',
        msg('sticker', {
          sticker: { mime_type: 'image/webp', sha256: 'abc=', id: '999', animated: false },
        }),
        { type: 'sticker', media_id: '999', mime_type: 'image/webp' },
      ],
      [
        'a location with numbers',
        msg('location', {
          location: {
            latitude: -6.7924,
            longitude: 39.2083,
            name: 'Kariakoo',
            address: 'Dar es Salaam',
          },
        }),
        {
          type: 'location',
          latitude: -6.7924,
          longitude: 39.2083,
          name: 'Kariakoo',
          address: 'Dar es Salaam',
        },
      ],
      [
        'a location with numeric strings',
        msg('location', { location: { latitude: '-6.7924', longitude: '39.2083' } }),
        { type: 'location', latitude: -6.7924, longitude: 39.2083 },
      ],
    ])('should read %s', (_name, message, expected) => {
      expect(read(message)).toEqual([
        {
          kind: 'message',
          phoneNumberId: PNID,
          wamid: 'wamid.HBgM1',
          userId: `+${USER}`,
          userKind: 'phone',
          contactName: 'Asha Mwinyi',
          timestamp: 1764900000,
          message: expected,
        },
      ]);
    });

    it('should make texts storable: NUL dropped, a lone surrogate replaced, not refused', () => {
      const [event] = read(msg('text', { text: { body: 'a\u0000b\ud800c' } }));
      expect(event).toMatchObject({
        kind: 'message',
        message: { type: 'text', text: 'ab\ufffdc' },
      });
    });

    it('should keep the id of the message replied to', () => {
      const reply = {
        ...msg('interactive', {
          interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
        }),
        context: { from: '15550783881', id: 'wamid.OUT7' },
      };
      expect(read(reply)[0]).toMatchObject({ kind: 'message', contextId: 'wamid.OUT7' });
      const forwarded = { ...msg('text', { text: { body: 'fwd' } }), context: { forwarded: true } };
      expect(read(forwarded)[0]).not.toHaveProperty('contextId');
    });

    it.each([
      [
        'unsupported:poll_update',
        msg('unsupported', {
          errors: [
            {
              code: 131051,
              title: 'Message type unknown',
              message: 'Message type unknown',
              error_data: { details: 'Message type is currently not supported.' },
            },
          ],
          unsupported: { type: 'poll_update' },
        }),
      ],
      ['unknown', msg('unknown', { errors: [{ code: 131051, title: 'Message type unknown' }] })],
      [
        'contacts',
        msg('contacts', { contacts: [{ name: { formatted_name: 'Juma' }, phones: [] }] }),
      ],
      ['order', msg('order', { order: { catalog_id: '1', product_items: [] } })],
      [
        'interactive:nfm_reply',
        msg('interactive', {
          interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}', name: 'flow' } },
        }),
      ],
      [
        'system:customer_identity_changed',
        msg('system', { system: { body: 'changed', type: 'customer_identity_changed' } }),
      ],
      ['request_welcome', msg('request_welcome', {})],
    ])(
      'should pass %s on as an unsupported message (and not count its errors)',
      (type, message) => {
        expect(read(message)).toEqual([
          expect.objectContaining({ kind: 'message', message: null, unsupportedType: type }),
        ]);
      },
    );

    it('should emit the errors of a readable message after it', () => {
      const events = read(
        msg('text', {
          text: { body: 'Hi' },
          errors: [{ code: 131000, title: 'Something went wrong' }],
        }),
      );
      expect(events.map((e) => e.kind)).toEqual(['message', 'error']);
      expect(events[1]).toEqual({
        kind: 'error',
        phoneNumberId: PNID,
        code: 131000,
        title: 'Something went wrong',
      });
    });
  });

  describe('users', () => {
    const text = { type: 'text', text: { body: 'Hi' }, id: 'wamid.U1', timestamp: TS };

    it('should key a user with a username by the business-scoped id, kept as sent', () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            contacts: [{ profile: { name: 'Neema', username: '@neema' }, user_id: BSUID }],
            messages: [{ from_user_id: BSUID, ...text }],
          }),
        }),
      );
      expect(events[0]).toMatchObject({ userId: BSUID, userKind: 'bsuid', contactName: 'Neema' });
    });

    it("should take the only contact's business-scoped id when the message names no sender", () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({ contacts: [contact('Neema', undefined, BSUID)], messages: [text] }),
        }),
      );
      expect(events[0]).toMatchObject({ userId: BSUID, userKind: 'bsuid', contactName: 'Neema' });
    });

    it('should prefer the phone number when Meta sends both', () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            contacts: [contact('Asha', USER, BSUID)],
            messages: [{ from: USER, from_user_id: BSUID, ...text }],
          }),
        }),
      );
      expect(events[0]).toMatchObject({
        userId: `+${USER}`,
        userKind: 'phone',
        contactName: 'Asha',
      });
    });

    it('should name each sender from its own contact, cut to 256 characters, or not at all', () => {
      const long = 'ü'.repeat(300);
      const events = readWhatsAppWebhook(
        body({
          value: value({
            contacts: [
              contact('Asha', USER),
              contact(long, '255700000002'),
              { wa_id: '255700000003' },
            ],
            messages: [
              { from: '255700000002', ...text, id: 'wamid.A' },
              { from: USER, ...text, id: 'wamid.B' },
              { from: '255700000003', ...text, id: 'wamid.C' },
              { from: '255700000004', ...text, id: 'wamid.D' },
            ],
          }),
        }),
      );
      const names = events.map((e) => (e.kind === 'message' ? e.contactName : e.kind));
      expect(names).toEqual(['ü'.repeat(256), 'Asha', undefined, undefined]);
    });

    it('should ignore an unreadable contacts list: only the name is lost', () => {
      const events = readWhatsAppWebhook(
        body({ value: value({ contacts: 'nope', messages: [{ from: USER, ...text }] }) }),
      );
      expect(events).toEqual([expect.objectContaining({ kind: 'message', userId: `+${USER}` })]);
      expect(events[0]).not.toHaveProperty('contactName');
    });
  });

  describe('reactions and system messages', () => {
    it('should read a reaction, and its removal as an empty emoji', () => {
      const react = (reaction: object) => msg('reaction', { reaction }, 'wamid.R1');
      expect(read(react({ message_id: 'wamid.OUT1', emoji: '👍' }))).toEqual([
        {
          kind: 'reaction',
          phoneNumberId: PNID,
          wamid: 'wamid.R1',
          userId: `+${USER}`,
          reactedTo: 'wamid.OUT1',
          emoji: '👍',
        },
      ]);
      expect(read(react({ message_id: 'wamid.OUT1' }))).toEqual([
        expect.objectContaining({ kind: 'reaction', emoji: '' }),
      ]);
    });

    it.each([
      ['wa_id', { wa_id: '255711111111' }],
      ['new_wa_id (before Graph API v12)', { new_wa_id: '255711111111' }],
    ])('should read a changed number from %s', (_name, fields) => {
      const system = {
        body: `User Asha changed from ${USER} to 255711111111`,
        type: 'user_changed_number',
        ...fields,
      };
      const events = readWhatsAppWebhook(
        body({ value: value({ messages: [msg('system', { system }, 'wamid.S1')] }) }),
      );
      expect(events).toEqual([
        {
          kind: 'user_changed',
          phoneNumberId: PNID,
          wamid: 'wamid.S1',
          oldUserId: `+${USER}`,
          newUserId: '+255711111111',
          newUserKind: 'phone',
        },
      ]);
    });

    it('should move a user without a visible number from the previous business-scoped id', () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            messages: [
              {
                id: 'wamid.S2',
                timestamp: TS,
                type: 'system',
                system: {
                  body: 'User changed number',
                  type: 'user_changed_number',
                  wa_id: '255711111111',
                  previous_user_id: BSUID,
                  user_id: 'TZ.999',
                },
              },
            ],
          }),
        }),
      );
      expect(events[0]).toMatchObject({ oldUserId: BSUID, newUserId: '+255711111111' });
    });

    it('should read a changed business-scoped id', () => {
      const system = {
        body: 'User changed their id',
        type: 'user_changed_user_id',
        previous_user_id: BSUID,
        user_id: 'TZ.ENT.55501',
      };
      const events = readWhatsAppWebhook(
        body({
          value: value({
            messages: [
              { from_user_id: BSUID, id: 'wamid.S3', timestamp: TS, type: 'system', system },
            ],
          }),
        }),
      );
      expect(events).toEqual([
        {
          kind: 'user_changed',
          phoneNumberId: PNID,
          wamid: 'wamid.S3',
          oldUserId: BSUID,
          newUserId: 'TZ.ENT.55501',
          newUserKind: 'bsuid',
        },
      ]);
    });
  });

  describe('statuses and errors', () => {
    const status = (fields: Record<string, unknown>) =>
      readWhatsAppWebhook(
        body({
          value: value({
            statuses: [{ id: 'wamid.OUT1', timestamp: TS, recipient_id: USER, ...fields }],
          }),
        }),
      );

    it.each(['sent', 'delivered', 'read'] as const)('should read a %s status', (s) => {
      expect(
        status({
          status: s,
          pricing: { billable: false, category: 'service', pricing_model: 'PMP' },
        }),
      ).toEqual([
        {
          kind: 'status',
          phoneNumberId: PNID,
          wamid: 'wamid.OUT1',
          status: s,
          timestamp: 1764900000,
          recipientId: `+${USER}`,
        },
      ]);
    });

    it("should read a failed status with its first error, the code Meta's number", () => {
      const errors = [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: { details: 'Message failed to send because more than 24 hours have passed' },
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ];
      expect(status({ status: 'failed', errors })).toEqual([
        expect.objectContaining({
          status: 'failed',
          error: { code: 131047, title: 'Re-engagement message' },
        }),
      ]);
    });

    it('should keep a business-scoped recipient as sent', () => {
      const events = status({
        status: 'delivered',
        recipient_id: undefined,
        recipient_user_id: BSUID,
      });
      expect(events[0]).toMatchObject({ recipientId: BSUID });
    });

    it('should read errors of the whole change', () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            errors: [
              { code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit' },
              { code: '368', message: 'Temporarily blocked for policies violations' },
            ],
          }),
        }),
      );
      expect(events).toEqual([
        {
          kind: 'error',
          phoneNumberId: PNID,
          code: 131056,
          title: '(Business Account, Consumer Account) pair rate limit hit',
        },
        {
          kind: 'error',
          phoneNumberId: PNID,
          code: '368',
          title: 'Temporarily blocked for policies violations',
        },
      ]);
    });
  });

  describe('coexistence and other fields', () => {
    it('should read an echo: the customer is its `to`', () => {
      const echo = (to: Record<string, string>) =>
        readWhatsAppWebhook(
          body({
            field: 'smb_message_echoes',
            value: value({
              message_echoes: [
                {
                  from: '15550783881',
                  ...to,
                  id: 'wamid.E1',
                  timestamp: TS,
                  type: 'text',
                  text: { body: 'Karibu' },
                },
              ],
            }),
          }),
        );
      expect(echo({ to: USER })).toEqual([
        {
          kind: 'echo',
          phoneNumberId: PNID,
          wamid: 'wamid.E1',
          userId: `+${USER}`,
          userKind: 'phone',
        },
      ]);
      expect(echo({ to_user_id: BSUID })).toEqual([
        { kind: 'echo', phoneNumberId: PNID, wamid: 'wamid.E1', userId: BSUID, userKind: 'bsuid' },
      ]);
    });

    it.each([
      ['history', { history: [{ metadata: { phase: 0 }, threads: [] }] }, 'history'],
      [
        'smb_app_state_sync',
        { state_sync: [{ type: 'contact', action: 'add' }] },
        'smb_app_state_sync',
      ],
      ['account_update', { event: 'PARTNER_ADDED' }, 'field:account_update'],
    ])('should ignore a %s change, once per change', (field, fields, reason) => {
      expect(readWhatsAppWebhook(body({ field, value: value(fields) }))).toEqual([
        { kind: 'ignored', phoneNumberId: PNID, reason },
      ]);
    });

    it('should ignore a change of another field even without a value', () => {
      expect(
        readWhatsAppWebhook(body({ field: 'message_template_status_update', value: null })),
      ).toEqual([{ kind: 'ignored', reason: 'field:message_template_status_update' }]);
    });
  });

  it('should walk every entry and every change, in order', () => {
    const text = (id: string) => msg('text', { text: { body: id } }, id);
    const events = readWhatsAppWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA1',
          changes: [
            {
              field: 'messages',
              value: value({ contacts: [contact()], messages: [text('m1'), text('m2')] }),
            },
            {
              field: 'messages',
              value: value(
                { statuses: [{ id: 'o1', status: 'read', timestamp: TS, recipient_id: USER }] },
                '222',
              ),
            },
          ],
        },
        {
          id: 'WABA2',
          changes: [
            { field: 'history', value: value({ history: [] }, '333') },
            { field: 'messages', value: value({ messages: [text('m3')] }, '444') },
          ],
        },
      ],
    });
    expect(
      events.map((e) => [e.kind, e.phoneNumberId, 'wamid' in e ? e.wamid : undefined]),
    ).toEqual([
      ['message', PNID, 'm1'],
      ['message', PNID, 'm2'],
      ['status', '222', 'o1'],
      ['ignored', '333', undefined],
      ['message', '444', 'm3'],
    ]);
  });

  describe('malformed items', () => {
    const P = 'entry[0].changes[0].value';
    const ok = msg('text', { text: { body: 'fine' } }, 'wamid.OK');
    const without = (o: Record<string, unknown>, key: string) => {
      const copy = { ...o };
      delete copy[key];
      return copy;
    };

    it.each<[string, unknown, string]>([
      ['a message that is not an object', 'hello', `${P}.messages[1]`],
      ['a message without id', without(ok, 'id'), `${P}.messages[1].id`],
      ['a message without sender', without(ok, 'from'), `${P}.messages[1].from`],
      ['a sender that is not a number', { ...ok, from: 'abc' }, `${P}.messages[1].from`],
      ['a sender of the wrong type', { ...ok, from: ['255700000001'] }, `${P}.messages[1].from`],
      [
        'a malformed business-scoped id',
        { ...without(ok, 'from'), from_user_id: 'tz-123' },
        `${P}.messages[1].from_user_id`,
      ],
      ['a message without type', without(ok, 'type'), `${P}.messages[1].type`],
      ['a bad timestamp', { ...ok, timestamp: 'yesterday' }, `${P}.messages[1].timestamp`],
      ['a text without body', { ...ok, text: {} }, `${P}.messages[1].text.body`],
      ['a text that is not an object', { ...ok, text: 'fine' }, `${P}.messages[1].text`],
      [
        'a text over 10,000 characters',
        { ...ok, text: { body: 'x'.repeat(10_001) } },
        `${P}.messages[1].text.body`,
      ],
      [
        'a context id of the wrong type',
        { ...ok, context: { id: 7 } },
        `${P}.messages[1].context.id`,
      ],
      [
        'a button reply without id',
        msg('interactive', {
          interactive: { type: 'button_reply', button_reply: { title: 'Pay' } },
        }),
        `${P}.messages[1].interactive.button_reply.id`,
      ],
      [
        'a media without id',
        msg('image', { image: { mime_type: 'image/jpeg' } }),
        `${P}.messages[1].image.id`,
      ],
      [
        'a latitude out of range',
        msg('location', { location: { latitude: 91, longitude: 0 } }),
        `${P}.messages[1].location.latitude`,
      ],
      [
        'a longitude that is not a number',
        msg('location', { location: { latitude: 1, longitude: 'east' } }),
        `${P}.messages[1].location.longitude`,
      ],
      [
        'a reaction to nothing',
        msg('reaction', { reaction: { emoji: '👍' } }),
        `${P}.messages[1].reaction.message_id`,
      ],
      [
        'a changed number without the new one',
        msg('system', { system: { type: 'user_changed_number', body: 'x' } }),
        `${P}.messages[1].system.wa_id`,
      ],
      [
        'a changed id without the previous one',
        msg('system', { system: { type: 'user_changed_user_id', user_id: BSUID } }),
        `${P}.messages[1].system.previous_user_id`,
      ],
      [
        'an error without code',
        { ...ok, errors: [{ title: 'x' }] },
        `${P}.messages[1].errors[0].code`,
      ],
    ])('should turn %s into an invalid event and keep its siblings', (_name, bad, path) => {
      const events = read(ok, bad, { ...ok, id: 'wamid.OK2' });
      expect(events).toEqual([
        expect.objectContaining({ kind: 'message', wamid: 'wamid.OK' }),
        { kind: 'invalid', phoneNumberId: PNID, path, message: expect.any(String) },
        expect.objectContaining({ kind: 'message', wamid: 'wamid.OK2' }),
      ]);
    });

    it('should accept a text of exactly 10,000 characters', () => {
      expect(read({ ...ok, text: { body: 'x'.repeat(10_000) } })[0]).toMatchObject({
        kind: 'message',
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown status value', { status: 'deleted' }, `${P}.statuses[0].status`],
      ['a status without id', { id: undefined }, `${P}.statuses[0].id`],
      ['a bad recipient', { recipient_id: 'someone' }, `${P}.statuses[0].recipient_id`],
      [
        'a status error without code',
        { status: 'failed', errors: [{ title: 'x' }] },
        `${P}.statuses[0].errors[0].code`,
      ],
    ])('should turn a status with %s into an invalid event', (_name, fields, path) => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            statuses: [
              { id: 'wamid.OUT1', status: 'sent', timestamp: TS, recipient_id: USER, ...fields },
              { id: 'wamid.OUT2', status: 'sent', timestamp: TS, recipient_id: USER },
            ],
          }),
        }),
      );
      expect(events).toEqual([
        { kind: 'invalid', phoneNumberId: PNID, path, message: expect.any(String) },
        expect.objectContaining({ kind: 'status', wamid: 'wamid.OUT2' }),
      ]);
    });

    it('should refuse a list that is not an array, and keep the other lists of the change', () => {
      const events = readWhatsAppWebhook(
        body({
          value: value({
            messages: { id: 'x' },
            statuses: [{ id: 'wamid.OUT1', status: 'read', timestamp: TS, recipient_id: USER }],
          }),
        }),
      );
      expect(events).toEqual([
        {
          kind: 'invalid',
          phoneNumberId: PNID,
          path: `${P}.messages`,
          message: 'messages must be an array.',
        },
        expect.objectContaining({ kind: 'status' }),
      ]);
    });

    it('should refuse an echo without customer', () => {
      const events = readWhatsAppWebhook(
        body({
          field: 'smb_message_echoes',
          value: value({
            message_echoes: [{ from: '15550783881', id: 'wamid.E1', timestamp: TS, type: 'text' }],
          }),
        }),
      );
      expect(events).toEqual([
        {
          kind: 'invalid',
          phoneNumberId: PNID,
          path: `${P}.message_echoes[0].to`,
          message: expect.any(String),
        },
      ]);
    });

    it.each<[string, unknown, string]>([
      ['a value that is not an object', 'v', P],
      [
        'a value without metadata',
        { messaging_product: 'whatsapp', messages: [] },
        `${P}.metadata`,
      ],
      [
        'metadata without phone number id',
        { metadata: { display_phone_number: '1555' }, messages: [] },
        `${P}.metadata.phone_number_id`,
      ],
    ])(
      'should turn a change with %s into one invalid event, and keep the next change',
      (_name, bad, path) => {
        const events = readWhatsAppWebhook(
          body({ value: bad }, { value: value({ messages: [ok] }) }),
        );
        expect(events).toEqual([
          { kind: 'invalid', path, message: expect.any(String) },
          expect.objectContaining({ kind: 'message', wamid: 'wamid.OK' }),
        ]);
      },
    );
  });

  describe('envelope', () => {
    it.each<[string, unknown, string]>([
      ['a body that is not an object', null, ''],
      ['an array body', [], ''],
      ['a string body', 'entry', ''],
      ['a body without entry', { object: 'whatsapp_business_account' }, 'entry'],
      ['an entry that is not an array', { entry: {} }, 'entry'],
      ['an entry item that is not an object', { entry: [7] }, 'entry[0]'],
      ['an entry without changes', { entry: [{ id: '1' }] }, 'entry[0].changes'],
      ['changes that are not an array', { entry: [{ id: '1', changes: {} }] }, 'entry[0].changes'],
      [
        'a change that is not an object',
        { entry: [{ id: '1', changes: [null] }] },
        'entry[0].changes[0]',
      ],
      [
        'a change without field',
        { entry: [{ id: '1', changes: [{ value: {} }] }] },
        'entry[0].changes[0].field',
      ],
      ['a later bad entry', { entry: [{ id: '1', changes: [] }, { id: '2' }] }, 'entry[1].changes'],
    ])('should refuse %s at its path', (_name, raw, path) => {
      expect(envelopePath(raw)).toBe(path);
    });

    it('should read an empty body of entries as no events', () => {
      expect(readWhatsAppWebhook({ object: 'whatsapp_business_account', entry: [] })).toEqual([]);
    });
  });
});
