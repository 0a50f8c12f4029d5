import { flag, json, type UssdGateway } from './ussd-gateway';
import { fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Nalo: JSON `USERID, MSISDN, USERDATA, MSGTYPE, NETWORK, SESSIONID`; in a request `MSGTYPE`
 * true means a new session. Reply: `{USERID, MSISDN, USERDATA, MSG, MSGTYPE}`, where
 * `MSGTYPE` true means continue and false means end.
 */
export const nalo: UssdGateway = {
  name: 'nalo',
  budgetMs: 6000,
  format:
    'JSON {USERID, MSISDN, USERDATA, MSGTYPE (true: new session), NETWORK, SESSIONID} → JSON {USERID, MSISDN, USERDATA, MSG, MSGTYPE (true: continue)}',

  parse({ body }) {
    const f = fieldsOf(body);
    const start = flag(f, 'MSGTYPE');
    const data = text(f, 'USERDATA', false) ?? '';
    return {
      sessionId: text(f, 'SESSIONID', true)!,
      phone: phoneField(f, 'MSISDN'),
      serviceCode: start ? data || null : null,
      network: text(f, 'NETWORK', false),
      event: start ? 'start' : 'input',
      input: start ? '' : data,
      echo: { USERID: text(f, 'USERID', false) ?? '', USERDATA: data },
      step: null,
    };
  },

  reply(request, screen) {
    return json({
      USERID: request.echo.USERID,
      MSISDN: request.phone,
      USERDATA: request.echo.USERDATA,
      MSG: screen.text,
      MSGTYPE: !screen.end,
    });
  },
};
