/**
 * A message's stored delivery error as the Conversations API shows it. Meta's WhatsApp error
 * codes are numbers, and are stored so; messages recorded before that hold their digits as a
 * string (`"131026"`), shown as Meta's number again. Our own codes (`no_answer`,
 * `integration_deleted`) and other channels' codes are shown as stored.
 */
export function deliveryErrorView(channel: string, error: unknown): unknown {
  if (channel !== 'whatsapp' || typeof error !== 'object' || error === null) return error;
  const { code } = error as { code?: unknown };
  if (typeof code !== 'string' || !/^\d{1,15}$/.test(code)) return error;
  return { ...error, code: Number(code) };
}
