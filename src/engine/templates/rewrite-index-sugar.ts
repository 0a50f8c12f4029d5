/**
 * Handlebars reads `orders[0]` as two expressions; flow authors (and the seeds) write
 * `{{variables.profile.orders[0].id}}`. Inside every mustache, outside string literals,
 * `name[3]` becomes Handlebars' segment-literal form `name.[3]`. Text outside mustaches is
 * left alone.
 */
export function rewriteIndexSugar(source: string): string {
  if (!source.includes('[')) return source;
  let out = '';
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      out += source.slice(i);
      break;
    }
    out += source.slice(i, open);
    const close = findMustacheEnd(source, open + 2);
    if (close < 0) {
      out += source.slice(open);
      break;
    }
    out += rewriteInside(source.slice(open, close));
    i = close;
  }
  return out;
}

/** Index just after the `}}` closing the mustache opened before `from`, skipping string literals. */
function findMustacheEnd(source: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const ch = source[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '}' && source[i + 1] === '}') {
      let end = i + 2;
      while (source[end] === '}') end++; // triple-stash
      return end;
    }
  }
  return -1;
}

const INDEX_AFTER_NAME = /([\w$\]])\[(\d+)\]/g;

function rewriteInside(mustache: string): string {
  let out = '';
  let segmentStart = 0;
  let quote: string | null = null;
  for (let i = 0; i < mustache.length; i++) {
    const ch = mustache[i];
    if (quote !== null) {
      if (ch === quote) {
        out += mustache.slice(segmentStart, i + 1);
        segmentStart = i + 1;
        quote = null;
      }
    } else if (ch === '"' || ch === "'") {
      out += rewriteCode(mustache.slice(segmentStart, i));
      segmentStart = i;
      quote = ch;
    }
  }
  const rest = mustache.slice(segmentStart);
  out += quote === null ? rewriteCode(rest) : rest;
  return out;
}

function rewriteCode(code: string): string {
  // Repeated until stable so that chained indexes (`a[0][1][2]`) are all rewritten.
  let previous = code;
  for (;;) {
    const next = previous.replace(INDEX_AFTER_NAME, '$1.[$2]');
    if (next === previous) return next;
    previous = next;
  }
}
