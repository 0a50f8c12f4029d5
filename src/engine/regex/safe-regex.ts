import { RE2JS } from 're2js';

/** Longest pattern a flow may carry: compiling is linear in it, but nothing needs more. */
export const MAX_REGEX_LENGTH = 1000;

/** A compiled flow regex: `test` runs in time linear in the input, whatever the pattern. */
export interface SafeRegex {
  readonly source: string;
  test(text: string): boolean;
}

/**
 * Compiles a regex from flow or integration data with RE2 semantics (re2js, a pure-JS port of
 * RE2): no backtracking, so no pattern can freeze the event loop. Patterns RE2 cannot take
 * (backreferences, lookaround) throw with RE2's reason.
 */
export function compileSafeRegex(source: string): SafeRegex {
  if (source.length > MAX_REGEX_LENGTH)
    throw new Error(`longer than ${MAX_REGEX_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.replace(/^error parsing regexp: /, ''), { cause: error });
  }
  return { source, test: (text) => re.matcher(text).find() };
}
