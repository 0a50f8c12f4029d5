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
