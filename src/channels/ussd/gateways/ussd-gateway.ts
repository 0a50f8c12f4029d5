import { ProviderRequestError } from '../../provider-request';

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
  /**
   * Where the request stands in its session, when the gateway's format says (Africa's
   * Talking's whole `text`, Hubtel's `Sequence`): a request with the step of the session's
   * last one is the gateway retrying it. Null when the format cannot tell a retry from the
   * same input typed again (only the newest input is sent), and on an end.
   */
  step: string | null;
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
  /** Characters the reply puts before the screen's text (`CON `), counted in the screen. */
  readonly prefixChars?: number;
  /** Reads a request; throws ProviderRequestError (a 400 with its path) when it is malformed. */
  parse(input: GatewayInput): UssdRequest;
  /** Writes the reply for a request. */
  reply(request: UssdRequest, screen: UssdScreen): GatewayReply;
}

type Body = Record<string, unknown>;

/** A flag sent as a JSON boolean, `"true"`/`"false"` or `1`/`0`. */
export function flag(body: Body, name: string): boolean {
  const value = body[name];
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  throw new ProviderRequestError(name, `${name} must be true or false.`);
}

export const json = (value: unknown): GatewayReply => ({
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});
