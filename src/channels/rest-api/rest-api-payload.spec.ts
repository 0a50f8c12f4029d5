import { signEvent, verifyEventSignature } from '../../events/event-signature';
import {
  REST_API_REPLY_KIND,
  restApiReply,
  restApiWebhookBody,
  type RestApiReplyPayload,
} from './rest-api-payload';

const at = new Date('2025-03-01T08:00:00.000Z');
const replies = [
  { type: 'text' as const, text: 'Karibu!' },
  {
    type: 'buttons' as const,
    text: 'Choose',
    buttons: [{ id: 'a', title: 'A' }],
  },
];

describe('rest-api replies', () => {
  it("should make one delivery per batch, on the user's ordering key", () => {
    const [entry, ...more] = restApiReply(
      '01JINT',
      'user-7',
      replies,
      ['m1', 'm2'],
      at,
      () => 'd1',
    );
    expect(more).toEqual([]);
    expect(entry).toEqual({
      id: 'd1',
      kind: REST_API_REPLY_KIND,
      orderingKey: 'rest-api:01JINT:user-7',
      toUser: true,
      payload: {
        integrationId: '01JINT',
        userId: 'user-7',
        messages: replies,
        messageIds: ['m1', 'm2'],
        createdAt: '2025-03-01T08:00:00.000Z',
      },
    });
  });

  it('should make none for no replies', () => {
    expect(restApiReply('01JINT', 'u', [], [], at)).toEqual([]);
  });

  it('should build the body from the row and what it carries, the same on every attempt', () => {
    const [entry] = restApiReply('01JINT', 'user-7', replies, ['m1', 'm2'], at, () => 'd1');
    const delivery = { id: 'd1', chatbotId: '01JBOT', conversationId: '01JCONV' };
    const body = restApiWebhookBody(delivery, entry.payload as RestApiReplyPayload);
    expect(body).toEqual({
      id: 'd1',
      chatbot_id: '01JBOT',
      integration_id: '01JINT',
      conversation_id: '01JCONV',
      user_id: 'user-7',
      messages: replies,
      message_ids: ['m1', 'm2'],
      created_at: '2025-03-01T08:00:00.000Z',
    });
    expect(Object.keys(body)).toEqual([
      'id',
      'chatbot_id',
      'integration_id',
      'conversation_id',
      'user_id',
      'messages',
      'message_ids',
      'created_at',
    ]);
    const again = restApiWebhookBody(delivery, entry.payload as RestApiReplyPayload);
    expect(JSON.stringify(again)).toBe(JSON.stringify(body));
  });

  it('should give the same bytes whatever order the stored payload keeps its keys in', () => {
    const [entry] = restApiReply('01JINT', 'u', replies, ['m1', 'm2'], at, () => 'd1');
    const p = entry.payload as RestApiReplyPayload;
    // jsonb gives keys back shortest first: {"text": …, "type": …}.
    const reordered: RestApiReplyPayload = {
      ...p,
      messages: [
        { text: 'Karibu!', type: 'text' },
        { text: 'Choose', type: 'buttons', buttons: [{ title: 'A', id: 'a' }] },
      ] as RestApiReplyPayload['messages'],
    };
    const delivery = { id: 'd1', chatbotId: 'b', conversationId: 'c' };
    const body = JSON.stringify(restApiWebhookBody(delivery, p));
    expect(JSON.stringify(restApiWebhookBody(delivery, reordered))).toBe(body);
    expect(body).toContain(
      '"messages":[{"type":"text","text":"Karibu!"},{"type":"buttons","buttons":[{"id":"a","title":"A"}],"text":"Choose"}]',
    );
  });

  it('should survive the trip through the outbox (JSON) and verify when signed', () => {
    const [entry] = restApiReply('01JINT', 'u', replies, ['m1', 'm2'], at, () => 'd1');
    const stored = JSON.parse(JSON.stringify(entry.payload)) as RestApiReplyPayload;
    const text = JSON.stringify(
      restApiWebhookBody({ id: 'd1', chatbotId: 'b', conversationId: 'c' }, stored),
    );
    const header = signEvent('whsec_test', text, 1_740_816_000);
    expect(verifyEventSignature('whsec_test', header, text, 1_740_816_000)).toBe(true);
    expect(verifyEventSignature('whsec_other', header, text, 1_740_816_000)).toBe(false);
  });
});
