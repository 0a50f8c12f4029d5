/**
 * What must never leave the caller in a trace, a log line, an error or a result: the
 * secret values themselves, the names of headers that carried them (removed from the
 * response headers too) and query parameters that carried them (masked in trace URLs).
 */
export interface RequestSecrets {
  values: string[];
  headerNames: Set<string>;
  queryParams: Set<string>;
}

const MASK = '***';

/**
 * A credential shorter than this (a basic-auth user `user`, a 4-character key) is too
 * likely to occur in ordinary data — `username`, `users-basic` — to be cut out of it
 * wherever it appears; 8 is also the shortest memorised secret NIST SP 800-63B accepts.
 */
export const MIN_EMBEDDED_SECRET_LENGTH = 8;

export function emptySecrets(): RequestSecrets {
  return { values: [], headerNames: new Set(), queryParams: new Set() };
}

export function addSecretValue(secrets: RequestSecrets, value: string | undefined): void {
  if (value !== undefined && value !== '' && !secrets.values.includes(value))
    secrets.values.push(value);
}

interface Spelling {
  text: string;
  /** Long enough to be masked inside a longer text of a backend's answer. */
  embedded: boolean;
}

/** Each secret as written and as it appears inside a JSON string literal. */
function spellings(secrets: RequestSecrets): Spelling[] {
  const all = new Map<string, boolean>();
  for (const secret of secrets.values) {
    const embedded = secret.length >= MIN_EMBEDDED_SECRET_LENGTH;
    for (const text of [secret, JSON.stringify(secret).slice(1, -1)])
      all.set(text, (all.get(text) ?? false) || embedded);
  }
  // Longest first, so a secret containing another is masked whole.
  return [...all]
    .filter(([text]) => text !== '')
    .sort(([a], [b]) => b.length - a.length)
    .map(([text, embedded]) => ({ text, embedded }));
}

/**
 * Replaces every occurrence of a secret value with `***`, however short: for what people
 * read (trace URLs, logs, errors), where a masked ordinary word costs nothing.
 */
export function maskSecrets(secrets: RequestSecrets, text: string): string {
  if (secrets.values.length === 0) return text;
  let out = text;
  for (const { text: secret } of spellings(secrets)) out = out.split(secret).join(MASK);
  return out;
}

/**
 * Masks secrets in a backend's answer (a body string or key, the raw text, a header
 * value), which the flow reads as data: a secret of at least MIN_EMBEDDED_SECRET_LENGTH
 * characters wherever it appears; a shorter one only where it stands whole — the entire
 * text, or a whole JSON string literal in it — as a backend echoing the credential returns
 * it. Masking a short one inside longer text would corrupt ordinary words.
 */
export function maskSecretsInData(secrets: RequestSecrets, text: string): string {
  if (secrets.values.length === 0) return text;
  let out = text;
  for (const { text: secret, embedded } of spellings(secrets)) {
    if (embedded) out = out.split(secret).join(MASK);
    else if (out === secret) return MASK;
    else out = out.split(`"${secret}"`).join(`"${MASK}"`);
  }
  return out;
}

/** True when `text`, read as data, holds a secret (see maskSecretsInData). */
export function dataContainsSecret(secrets: RequestSecrets, text: string): boolean {
  return maskSecretsInData(secrets, text) !== text;
}
