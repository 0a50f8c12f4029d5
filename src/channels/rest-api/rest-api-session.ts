import type { GenericMessage } from '../../engine';

/** The channel's name on conversations, and its integration type. */
export const REST_API_CHANNEL = 'rest-api';

/** The inbox kind of a user's message posted to the channel's route. */
export const REST_API_INBOX = 'rest_api.message';

/** The payload of a `rest_api.message` inbox event: the message as the route read it. */
export interface RestApiMessagePayload {
  userId: string;
  message: GenericMessage;
  contactName?: string | null;
}

/**
 * A user's session key: per integration (as WhatsApp's are per number), so one user id on two
 * rest-api integrations of a chatbot holds two conversations, each answered to its own
 * webhook_url, and a person's reply knows where to go.
 */
export const restApiSessionKey = (integrationId: string, userId: string): string =>
  `${integrationId}:${userId}`;

/** The integration and user a session key names (restApiSessionKey's inverse); null otherwise. */
export function readRestApiSessionKey(
  key: string | null,
): { integrationId: string; userId: string } | null {
  const colon = key?.indexOf(':') ?? -1;
  if (!key || colon < 1 || colon === key.length - 1) return null;
  return { integrationId: key.slice(0, colon), userId: key.slice(colon + 1) };
}
