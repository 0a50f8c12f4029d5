/**
 * WhatsApp's customer-service window: for 24 hours after the user's last message a business
 * may send anything; after it, only an approved template (channels.md › WhatsApp).
 */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Why a free-form message cannot reach the user now, from the state kept with the session
 * (`last_inbound_at`, see whatsappState); null while the window is open. An unknown last
 * message counts as a closed window: sending would only earn Meta's 131047.
 */
export function closedWindowDetail(state: unknown, now: number): string | null {
  const last = (state as { last_inbound_at?: unknown } | null)?.last_inbound_at;
  if (typeof last !== 'number' || !Number.isFinite(last))
    return "The WhatsApp 24-hour window is not known to be open: the time of the user's last message was not kept; only a template can reach the user now.";
  const closesAt = last + WHATSAPP_WINDOW_MS;
  if (now < closesAt) return null;
  return `The WhatsApp 24-hour window closed at ${new Date(closesAt).toISOString()}; only a template can reach the user now.`;
}
