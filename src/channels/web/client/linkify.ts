/** A run of a message's text: plain text, or a web link to draw as an anchor. */
export type TextPart =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends the sentence around a link rather than the link itself. */
const TRAILING = /[.,;:!?'*]$/;

/**
 * Splits text into plain runs and http(s) links. The widget builds DOM nodes from the parts
 * (never innerHTML), so only these two schemes can ever become a clickable href.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index;
    const url = trimUrl(match[0]);
    if (!isWebUrl(url)) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Drops sentence punctuation and an unbalanced closing bracket from a link's end. */
function trimUrl(raw: string): string {
  let url = raw;
  for (;;) {
    if (TRAILING.test(url)) {
      url = url.slice(0, -1);
    } else if (url.endsWith(')') && count(url, '(') < count(url, ')')) {
      url = url.slice(0, -1);
    } else {
      return url;
    }
  }
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/** True for an absolute http(s) URL with a host; used for links and media sources. */
export function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
