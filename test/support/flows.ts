import type { TestApp } from './test-app';

/** Creates a chatbot with `flow` published; returns ids and a base URL for its routes. */
export async function publishedBot(
  t: TestApp,
  auth: Record<string, string>,
  flow: object,
  name?: string,
) {
  const bot = await t
    .http()
    .post('/api/dev/v1/chatbots')
    .set(auth)
    .send({ name: name ?? `bot-${Math.random().toString(36).slice(2)}` })
    .expect(201);
  const chatbotId = bot.body.id as string;
  const created = await t
    .http()
    .post(`/api/dev/v1/chatbots/${chatbotId}/flows`)
    .set(auth)
    .send({ name: 'main', type: 'conversation', flow })
    .expect(201);
  const flowId = created.body.id as string;
  const pub = await t
    .http()
    .post(`/api/dev/v1/chatbots/${chatbotId}/flows/${flowId}/publish`)
    .set(auth);
  if (pub.status !== 200) throw new Error(`publish failed: ${JSON.stringify(pub.body)}`);
  return { chatbotId, flowId, base: `/api/dev/v1/chatbots/${chatbotId}` };
}

/**
 * Every message goes through an API_CALL to `{backendUrl}/echo` with body `{said}`, so a
 * test sees on its backend which messages were processed, and in which order.
 */
export const echoFlow = (backendUrl: string) => ({
  start: 'ask',
  states: {
    ask: { message: 'Say something', input: { save_to: 'said' }, transitions: { default: 'call' } },
    call: {
      actions: [
        {
          type: 'API_CALL',
          url: `${backendUrl}/echo`,
          method: 'POST',
          body: { said: '{{said}}' },
          save_to: 'echo',
          success_transition: 'ask',
          failure_transition: 'ask',
        },
      ],
    },
  },
});
