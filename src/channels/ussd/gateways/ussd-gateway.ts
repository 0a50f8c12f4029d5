import { e164 } from '../../phone-number';

/**
 * What every USSD gateway file provides: the parser of the gateway's request and the writer
 * of its reply, nothing else (pure: no I/O). The channel service does the rest.
 */

/** A dial (new session), a reply typed by the user, or the gateway ending the session. */
export type UssdEvent = 'start' | 'input' | 'end';

/** A gateway request, read. */
export interface UssdRequest {
  /** The gateway's session id: one flow session each. */
  sessionId: string;
  /** The phone number as the gateway sent it, checked by `msisdn` ('' when not sent on an end). */
  phone: string;
  event: UssdEvent;
  /** The user's newest input only ('' on a dial and on an end). */
  input: string;
  serviceCode: string | null;
  network: string | null;
  /** Values the gateway wants echoed in the reply (ids, request ids, operator). */
  echo: Record<string, string>;
}

/** What to show: one screen, and whether the session ends with it. */
export interface UssdScreen {
  text: string;
  end: boolean;
}

/** The HTTP answer a gateway expects. */
export interface GatewayReply {
  contentType: string;
  body: string;
}

/** The request as the webhook got it: the parsed body, and path segments after the token. */
export interface GatewayInput {
  body: unknown;
  path: readonly string[];
}

export interface UssdGateway {
  /** The `provider` value of the integration. */
  readonly name: string;
  /**
   * The default `session_budget_ms`: how long a reply may take, the gateway's reply deadline
   * less a margin for the network.
   */
  readonly budgetMs: number;
  /** Request and reply format in one line, shown in the integration's record. */
  readonly format: string;
  /** Reads a request; throws UssdRequestError (a 400 with its path) when it is malformed. */
  parse(input: GatewayInput): UssdRequest;
  /** Writes the reply for a request. */
  reply(request: UssdRequest, screen: UssdScreen): GatewayReply;
}

/** A gateway request missing a field, or with one of the wrong type. */
export class UssdRequestError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

/** The body as an object of fields; 400 at "" for anything else. */
export function fieldsOf(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UssdRequestError('', 'The request body must be a form or a JSON object.');
  return body as Body;
}

/** A text field (numbers are read as their digits); `required` refuses it missing or empty. */
export function text(body: Body, name: string, required: boolean): string | null {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new UssdRequestError(name, `${name} is required.`);
    return value === '' ? '' : null;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new UssdRequestError(name, `${name} must be a string.`);
  if (value.length > 1000)
    throw new UssdRequestError(name, `${name} is longer than 1000 characters.`);
  return value;
}

/** A phone number field: digits with an optional leading `+` (spaces and dashes allowed). */
export function msisdn(body: Body, name: string, required = true): string {
  const value = text(body, name, required);
  if (value === null || value === '') return '';
  if (!/^\+?[0-9][0-9 -]{5,20}$/.test(value) || e164(value).length > 16)
    throw new UssdRequestError(name, `${name} must be a phone number in international format.`);
  return value;
}

/** A flag sent as a JSON boolean, `"true"`/`"false"` or `1`/`0`. */
export function flag(body: Body, name: string): boolean {
  const value = body[name];
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  throw new UssdRequestError(name, `${name} must be true or false.`);
}

export const json = (value: unknown): GatewayReply => ({
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});
