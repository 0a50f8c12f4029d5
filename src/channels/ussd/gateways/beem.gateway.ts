import { json, type UssdGateway } from './ussd-gateway';
import { ProviderRequestError, fieldsOf, phoneField, text } from '../../provider-request';

/**
 * Beem: JSON `{command: initiate|continue|terminate, msisdn, session_id, operator,
 * payload: {request_id, response}}`. Reply: `{command: continue|terminate, msisdn,
 * session_id, operator, payload: {request_id, request}}`.
 */
export const beem: UssdGateway = {
  name: 'beem',
  budgetMs: 6000,
  format:
    'JSON {command: initiate|continue|terminate, msisdn, session_id, operator, payload: {request_id, response}} → JSON {command: continue|terminate, msisdn, session_id, operator, payload: {request_id, request}}',

  parse({ body }) {
    const f = fieldsOf(body);
    const command = text(f, 'command', true);
    const payload = f.payload === undefined ? {} : f.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new ProviderRequestError(
        'payload',
        'payload must be an object {request_id, response}.',
      );
    const p = payload as Record<string, unknown>;
    const event =
      command === 'initiate'
        ? 'start'
        : command === 'continue'
          ? 'input'
          : command === 'terminate'
            ? 'end'
            : null;
    if (event === null)
      throw new ProviderRequestError('command', 'command must be initiate, continue or terminate.');
    let response: string | null;
    try {
      response = text(p, 'response', false);
    } catch (err) {
      throw err instanceof ProviderRequestError
        ? new ProviderRequestError(`payload.${err.path}`, `payload.${err.message}`)
        : err;
    }
    return {
      sessionId: text(f, 'session_id', true)!,
      phone: phoneField(f, 'msisdn'),
      serviceCode: null,
      network: text(f, 'operator', false),
      event,
      input: event === 'input' ? (response ?? '') : '',
      echo: {
        operator: text(f, 'operator', false) ?? '',
        request_id:
          typeof p.request_id === 'string' || typeof p.request_id === 'number'
            ? String(p.request_id)
            : '',
      },
      // request_id is echoed in the reply, but the contract does not say that a retry keeps
      // it and a new input changes it: not relied on to tell them apart.
      step: null,
    };
  },

  reply(request, screen) {
    return json({
      command: screen.end ? 'terminate' : 'continue',
      msisdn: request.phone,
      session_id: request.sessionId,
      operator: request.echo.operator,
      payload: { request_id: request.echo.request_id, request: screen.text },
    });
  },
};
