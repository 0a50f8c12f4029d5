/**
 * Reading what a provider posts to a webhook (USSD gateways, SMS providers), pure: the
 * body's fields with their types checked, errors naming the provider's own field.
 */

/** A provider request missing a field, or with one of the wrong type: a 400 at `path`. */
export class ProviderRequestError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export type Body = Record<string, unknown>;

/** The body as an object of fields; 400 at "" for anything else. */
export function fieldsOf(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ProviderRequestError('', 'The request body must be a form or a JSON object.');
  return body as Body;
}

/**
 * A text field (numbers are read as their digits), at most `maxChars` long; `required`
 * refuses it missing or empty.
 */
export function text(body: Body, name: string, required: boolean, maxChars = 1000): string | null {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new ProviderRequestError(name, `${name} is required.`);
    return value === '' ? '' : null;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new ProviderRequestError(name, `${name} must be a string.`);
  if (value.length > maxChars)
    throw new ProviderRequestError(name, `${name} is longer than ${maxChars} characters.`);
  return value;
}

/**
 * A phone number field as sent: digits with an optional leading `+` (spaces and dashes
 * allowed), at most 15 digits; '' when not required and absent.
 */
export function phoneField(body: Body, name: string, required = true): string {
  const value = text(body, name, required);
  if (value === null || value === '') return '';
  if (!/^\+?[0-9][0-9 -]{5,20}$/.test(value) || value.replace(/[^0-9]/g, '').length > 15)
    throw new ProviderRequestError(name, `${name} must be a phone number in international format.`);
  return value;
}

/**
 * A checked phone number as `+` and its digits: one user id on every channel. The `00`
 * international prefix is the `+` dialled (0025571… is +25571…).
 */
export function e164(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return `+${phone.trimStart().startsWith('00') ? digits.slice(2) : digits}`;
}
