import { json, type UssdGateway } from './ussd-gateway';
import { ProviderRequestError, fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Infobip: the session's calls come to the webhook URL followed by
 * `/session/{sessionId}/start|response|end`, with JSON `{msisdn, text, shortCode?}` (only the
 * newest input). Reply: `{ussdMenu, shouldClose}`.
 */
export const infobip: UssdGateway = {
  name: 'infobip',
  budgetMs: 6000,
  format:
    'JSON {msisdn, text, shortCode} to …/session/{sessionId}/start|response|end → JSON {ussdMenu, shouldClose}',

  parse({ body, path }) {
    const [session, sessionId, call] = path;
    if (session !== 'session' || !sessionId || !['start', 'response', 'end'].includes(call ?? ''))
      throw new ProviderRequestError(
        '',
        'Infobip calls end in /session/{sessionId}/start, /response or /end.',
      );
    const f = fieldsOf(body ?? {});
    const event = call === 'start' ? 'start' : call === 'response' ? 'input' : 'end';
    return {
      sessionId,
      phone: phoneField(f, 'msisdn', event !== 'end'),
      serviceCode: text(f, 'shortCode', false),
      network: null,
      event,
      input: event === 'input' ? (text(f, 'text', false) ?? '') : '',
      echo: {},
      step: null,
    };
  },

  reply(_request, screen) {
    return json({ ussdMenu: screen.text, shouldClose: screen.end });
  },
};
