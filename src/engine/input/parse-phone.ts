import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Reads a phone number as E.164 (`+255712345678`). National forms (`0712 345 678`) need
 * `defaultCountry` (ISO alpha-2, e.g. `TZ`). Invalid numbers return undefined.
 */
export function parsePhone(text: string, defaultCountry?: string): string | undefined {
  const country = defaultCountry ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  try {
    const phone = parsePhoneNumberFromString(
      text.trim(),
      country ? { defaultCountry: country } : undefined,
    );
    return phone?.isValid() ? phone.number : undefined;
  } catch {
    return undefined;
  }
}
