const COMBINING_MARKS = /\p{M}/gu;
const SPACES = /\s+/g;

/**
 * The form replies are compared in: accents removed (`Café` → `cafe`), lower case, surrounding
 * space trimmed and inner runs of space collapsed to one.
 */
export function normaliseReply(text: string): string {
  let out = text.trim();
  if (out === '') return out;
  // Only pay for Unicode decomposition when there is something outside ASCII.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFD').replace(COMBINING_MARKS, '');
  return out.toLowerCase().replace(SPACES, ' ');
}
