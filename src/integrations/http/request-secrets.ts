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

export function emptySecrets(): RequestSecrets {
  return { values: [], headerNames: new Set(), queryParams: new Set() };
}

export function addSecretValue(secrets: RequestSecrets, value: string | undefined): void {
  if (value !== undefined && value !== '' && !secrets.values.includes(value))
    secrets.values.push(value);
}

/** Each secret as written and as it appears inside a JSON string literal. */
function spellings(secrets: RequestSecrets): string[] {
  const all = new Set<string>();
  for (const secret of secrets.values) {
    all.add(secret);
    all.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret containing another is masked whole.
  return [...all].filter((s) => s !== '').sort((a, b) => b.length - a.length);
}

/** True when `text` contains any secret value. */
export function containsSecret(secrets: RequestSecrets, text: string): boolean {
  return spellings(secrets).some((secret) => text.includes(secret));
}

/** Replaces every occurrence of a secret value with `***`. */
export function maskSecrets(secrets: RequestSecrets, text: string): string {
  if (secrets.values.length === 0) return text;
  let out = text;
  for (const secret of spellings(secrets)) out = out.split(secret).join('***');
  return out;
}
