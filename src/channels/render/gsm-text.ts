import { SMS_LIMITS } from '../../engine/limits/message-limits';

/**
 * Text for telephone networks (USSD screens, SMS): what the GSM 03.38 default alphabet can
 * carry, how to fold typographic characters into it, and how many SMS parts a text takes.
 */

/** The GSM 7-bit default alphabet (one septet each). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: two septets each (escape + character). */
const GSM_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/** Typographic characters phones and telcos mangle, and their plain forms. */
const FOLDS: ReadonlyMap<string, string> = new Map([
  ['\u2018', "'"], // ‘
  ['\u2019', "'"], // ’
  ['\u201a', "'"], // ‚
  ['\u201b', "'"], // ‛
  ['\u2032', "'"], // ′
  ['\u201c', '"'], // “
  ['\u201d', '"'], // ”
  ['\u201e', '"'], // „
  ['\u2033', '"'], // ″
  ['\u00ab', '"'], // «
  ['\u00bb', '"'], // »
  ['\u2010', '-'], // ‐
  ['\u2011', '-'], // ‑
  ['\u2012', '-'], // ‒
  ['\u2013', '-'], // –
  ['\u2014', '-'], // —
  ['\u2015', '-'], // ―
  ['\u2212', '-'], // −
  ['\u2026', '...'], // …
  ['\u00a0', ' '], // no-break space
  ['\u2007', ' '],
  ['\u202f', ' '],
  ['\u2022', '*'], // •
  ['\u00b7', '.'], // ·
  ['\u00d7', 'x'], // ×
]);

const COMBINING_MARKS = /\p{M}/gu;

/** True when every character is in the GSM default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return false;
  return true;
}

/**
 * Folds what has a plain GSM form: curly quotes, dashes, ellipses, odd spaces, and accented
 * letters outside the alphabet (`ê` → `e`; `é`, `ñ`, `ü` stay, the alphabet has them).
 * Anything else (emoji, other scripts) is kept as it is.
 */
export function foldToGsm(text: string): string {
  let out = '';
  for (const ch of text) {
    if (BASIC.has(ch) || EXTENDED.has(ch)) {
      out += ch;
      continue;
    }
    const fold = FOLDS.get(ch);
    if (fold !== undefined) {
      out += fold;
      continue;
    }
    const bare = ch.normalize('NFD').replace(COMBINING_MARKS, '');
    out += bare !== '' && isGsm7(bare) ? bare : ch;
  }
  return out;
}

/** How an SMS carries a text: its encoding, its length in that encoding, and its parts. */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

/** 160/153 GSM-7 or 70/67 UCS-2 units per part; one character outside GSM makes it UCS-2. */
export function smsSegments(text: string): SmsSegments {
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += EXTENDED.has(ch) ? 2 : 1;
    const parts = units <= SMS_LIMITS.gsm7Single ? 1 : Math.ceil(units / SMS_LIMITS.gsm7Part);
    return { encoding: 'GSM-7', units, parts: Math.max(1, parts) };
  }
  const units = text.length;
  const parts = units <= SMS_LIMITS.ucs2Single ? 1 : Math.ceil(units / SMS_LIMITS.ucs2Part);
  return { encoding: 'UCS-2', units, parts };
}
