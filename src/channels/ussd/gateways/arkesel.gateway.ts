import { flag, json, type UssdGateway } from './ussd-gateway';
import { fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Arkesel: JSON `sessionID, userID, newSession, msisdn, userData, network`; only the newest
 * input. Reply: `{sessionID, userID, msisdn, message, continueSession}`.
 */
export const arkesel: UssdGateway = {
  name: 'arkesel',
  budgetMs: 6000,
  format:
    'JSON {sessionID, userID, newSession, msisdn, userData, network} → JSON {sessionID, userID, msisdn, message, continueSession}',

  parse({ body }) {
    const f = fieldsOf(body);
    const start = flag(f, 'newSession');
    return {
      sessionId: text(f, 'sessionID', true)!,
      phone: phoneField(f, 'msisdn'),
      serviceCode: null,
      network: text(f, 'network', false),
      event: start ? 'start' : 'input',
      input: start ? '' : (text(f, 'userData', false) ?? ''),
      echo: { userID: text(f, 'userID', false) ?? '' },
      step: null,
    };
  },

  reply(request, screen) {
    return json({
      sessionID: request.sessionId,
      userID: request.echo.userID,
      msisdn: request.phone,
      message: screen.text,
      continueSession: !screen.end,
    });
  },
};
