import { json, type UssdGateway } from './ussd-gateway';
import { ProviderRequestError, fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Hubtel: JSON `Type` (Initiation, Response, Release, Timeout; any case), `Mobile`,
 * `SessionId`, `ServiceCode`, `Message`, `Sequence`, `ClientState`. On Initiation `Message`
 * is the dialled code, not a reply. Reply: `{SessionId, Type: "response"|"release", Message,
 * Label, DataType: "input", FieldType: "text"}`.
 */
export const hubtel: UssdGateway = {
  name: 'hubtel',
  budgetMs: 6000,
  format:
    'JSON {Type: Initiation|Response|Release|Timeout, Mobile, SessionId, ServiceCode, Message} → JSON {SessionId, Type: response|release, Message, Label, DataType, FieldType}',

  parse({ body }) {
    const f = fieldsOf(body);
    const type = (text(f, 'Type', true) ?? '').toLowerCase();
    const common = {
      sessionId: text(f, 'SessionId', true)!,
      phone: phoneField(f, 'Mobile'),
      serviceCode: text(f, 'ServiceCode', false),
      network: text(f, 'Operator', false),
      echo: {},
      // The message's position in the session: a retry keeps it, a new input counts on.
      step: text(f, 'Sequence', false) || null,
    };
    switch (type) {
      case 'initiation':
        return { ...common, event: 'start', input: '' };
      case 'response':
        return { ...common, event: 'input', input: text(f, 'Message', false) ?? '' };
      case 'release':
      case 'timeout':
        return { ...common, event: 'end', input: '', step: null };
      default:
        throw new ProviderRequestError(
          'Type',
          'Type must be Initiation, Response, Release or Timeout.',
        );
    }
  },

  reply(request, screen) {
    return json({
      SessionId: request.sessionId,
      Type: screen.end ? 'release' : 'response',
      Message: screen.text,
      Label: screen.text.split('\n')[0].slice(0, 60),
      DataType: 'input',
      FieldType: 'text',
    });
  },
};
