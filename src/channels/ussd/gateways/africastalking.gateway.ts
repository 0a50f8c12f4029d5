import { type UssdGateway } from './ussd-gateway';
import { fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Africa's Talking: form `sessionId, serviceCode, phoneNumber, networkCode, text`, where
 * `text` is every input so far joined by `*` ('' on the dial); the user's reply is only the
 * newest segment. The end-of-session notification carries `status` instead of `text`.
 * Reply: text/plain `CON <screen>` to continue, `END <screen>` to end.
 */
export const africasTalking: UssdGateway = {
  name: 'africastalking',
  budgetMs: 8000,
  prefixChars: 'CON '.length,
  format:
    'form sessionId, serviceCode, phoneNumber, networkCode, text (inputs joined by *) → text/plain "CON …" | "END …"',

  parse({ body }) {
    const f = fieldsOf(body);
    const sessionId = text(f, 'sessionId', true)!;
    // The end-of-session notification is read by its session id alone.
    const ending = f.text === undefined && f.status !== undefined;
    const phone = phoneField(f, 'phoneNumber', !ending);
    const common = {
      sessionId,
      phone,
      serviceCode: text(f, 'serviceCode', false),
      network: text(f, 'networkCode', false),
      echo: {},
    };
    if (ending) return { ...common, event: 'end', input: '', step: null };
    // The whole session's inputs: its length grows with the session, only its last part is
    // the reply (and is held to the flow's input limits like any message). Every new input
    // makes it longer, so the same path again is a retry.
    const path = text(f, 'text', false, 100_000) ?? '';
    if (path === '') return { ...common, event: 'start', input: '', step: path };
    return {
      ...common,
      event: 'input',
      input: path.slice(path.lastIndexOf('*') + 1),
      step: path,
    };
  },

  reply(_request, screen) {
    return {
      contentType: 'text/plain; charset=utf-8',
      body: `${screen.end ? 'END' : 'CON'} ${screen.text}`,
    };
  },
};
