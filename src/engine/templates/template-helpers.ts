import type { HelperDelegate, HelperOptions } from 'handlebars';

/**
 * The helpers flow templates may call (flow-format.md › Variables and templates).
 * All are pure: no clock, no I/O. Comparisons are lenient about numbers written as text,
 * because values collected from users are usually strings ("3" eq 3 is true).
 */

/** Name of the private helper the URL-segment mode wraps every output in. */
export const URL_SEGMENT_HELPER = '__url_segment';

type Args = unknown[];

/** Handlebars passes its options object last; split it from the real arguments. */
function split(args: Args): { params: Args; options: HelperOptions } {
  const options = args[args.length - 1] as HelperOptions;
  return { params: args.slice(0, -1), options };
}

export function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** `3` equals `"3"`; otherwise strict equality. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (
    (typeof a === 'number' || typeof a === 'string') &&
    (typeof b === 'number' || typeof b === 'string')
  ) {
    const na = asNumber(a);
    const nb = asNumber(b);
    if (na !== undefined && nb !== undefined) return na === nb;
    return String(a) === String(b);
  }
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (typeof b === 'boolean' && typeof a === 'string') return String(b) === a;
  return false;
}

/** Numeric comparison when both sides are numbers (or numeric text), else text comparison. */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

function rootLocale(options: HelperOptions): string | undefined {
  const data = options.data as { root?: Record<string, unknown> } | undefined;
  const locale = data?.root?.locale;
  return typeof locale === 'string' && locale !== '' ? locale : undefined;
}

/** `sw_TZ` → `sw-TZ`; an unknown tag falls back to `en`. */
function canonicalLocale(locale: string | undefined): string {
  if (!locale) return 'en';
  const tag = locale.replace(/_/g, '-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, hash: Record<string, unknown>): Intl.NumberFormat {
  const decimals = asNumber(hash.decimals);
  const currency = typeof hash.currency === 'string' ? hash.currency : undefined;
  const key = `${locale}|${decimals ?? ''}|${currency ?? ''}`;
  let format = numberFormats.get(key);
  if (!format) {
    const opts: Intl.NumberFormatOptions = {};
    if (decimals !== undefined) {
      opts.minimumFractionDigits = decimals;
      opts.maximumFractionDigits = decimals;
    }
    if (currency) {
      opts.style = 'currency';
      opts.currency = currency;
    }
    try {
      format = new Intl.NumberFormat(locale, opts);
    } catch {
      format = new Intl.NumberFormat(
        'en',
        decimals !== undefined
          ? { minimumFractionDigits: decimals, maximumFractionDigits: decimals }
          : {},
      );
    }
    if (numberFormats.size > 500) numberFormats.clear();
    numberFormats.set(key, format);
  }
  return format;
}

/** `{{number 1234.5}}` → `1,234.5`; options `locale=`, `decimals=`, `currency=`. Non-numbers render as given. */
function formatNumber(...args: Args): string {
  const { params, options } = split(args);
  const n = asNumber(params[0]);
  if (n === undefined) return toText(params[0]);
  const hash = options.hash as Record<string, unknown>;
  const locale = canonicalLocale(
    typeof hash.locale === 'string' ? hash.locale : rootLocale(options),
  );
  return numberFormat(locale, hash).format(n);
}

const MONTHS_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

function toDate(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string' && value.trim() !== '') date = new Date(value.trim());
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `{{date value}}` → `2026-11-22`; `{{date value "DD/MM/YYYY HH:mm"}}` (tokens YYYY MM MMM DD
 * HH mm ss, UTC); `{{date value "long"}}` (short|medium|long|full via Intl, `locale=` and
 * `timeZone=` options). Unparseable values render empty.
 */
function formatDate(...args: Args): string {
  const { params, options } = split(args);
  const date = toDate(params[0]);
  if (!date) return '';
  const format = typeof params[1] === 'string' ? params[1] : 'YYYY-MM-DD';
  const hash = options.hash as Record<string, unknown>;
  if (format === 'short' || format === 'medium' || format === 'long' || format === 'full') {
    const locale = canonicalLocale(
      typeof hash.locale === 'string' ? hash.locale : rootLocale(options),
    );
    const timeZone = typeof hash.timeZone === 'string' ? hash.timeZone : 'UTC';
    try {
      return new Intl.DateTimeFormat(locale, { dateStyle: format, timeZone }).format(date);
    } catch {
      return new Intl.DateTimeFormat('en', { dateStyle: format, timeZone: 'UTC' }).format(date);
    }
  }
  return format.replace(/YYYY|MMM|MM|DD|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'YYYY':
        return pad(date.getUTCFullYear(), 4);
      case 'MMM':
        return MONTHS_SHORT[date.getUTCMonth()];
      case 'MM':
        return pad(date.getUTCMonth() + 1);
      case 'DD':
        return pad(date.getUTCDate());
      case 'HH':
        return pad(date.getUTCHours());
      case 'mm':
        return pad(date.getUTCMinutes());
      default:
        return pad(date.getUTCSeconds());
    }
  });
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

/** Helpers that only test their arguments (true/false): as blocks they keep the surrounding context. */
const PREDICATE_HELPERS: Readonly<Record<string, HelperDelegate>> = {
  eq: (...args: Args) => {
    const [a, b] = split(args).params;
    return looseEquals(a, b);
  },
  ne: (...args: Args) => {
    const [a, b] = split(args).params;
    return !looseEquals(a, b);
  },
  gt: (...args: Args) => {
    const [a, b] = split(args).params;
    const c = compareValues(a, b);
    return c !== undefined && c > 0;
  },
  lt: (...args: Args) => {
    const [a, b] = split(args).params;
    const c = compareValues(a, b);
    return c !== undefined && c < 0;
  },
  /** True when every argument is truthy (an empty list counts as false, as in `#if`). */
  and: (...args: Args) => split(args).params.every((v) => !isBlank(v) && v !== false && v !== 0),
  /** The first truthy argument, else false: `{{or nickname contact_name}}` works as a fallback. */
  or: (...args: Args) =>
    split(args).params.find((v) => !isBlank(v) && v !== false && v !== 0) ?? false,
  not: (...args: Args) => {
    const v = split(args).params[0];
    return isBlank(v) || v === false || v === 0;
  },
};

export const TEMPLATE_HELPERS: Readonly<Record<string, HelperDelegate>> = {
  ...PREDICATE_HELPERS,
  /** The first argument that is not missing or empty: `{{default name "friend"}}`. */
  default: (...args: Args) => {
    const { params } = split(args);
    return params.find((v) => !isBlank(v)) ?? '';
  },
  json: (...args: Args) => {
    const { params } = split(args);
    if (params[0] === undefined) return '';
    const indent = asNumber(params[1]);
    return JSON.stringify(params[0], null, indent) ?? '';
  },
  upper: (...args: Args) => toText(split(args).params[0]).toUpperCase(),
  lower: (...args: Args) => toText(split(args).params[0]).toLowerCase(),
  number: formatNumber,
  date: formatDate,
  length: (...args: Args) => lengthOf(split(args).params[0]),
  [URL_SEGMENT_HELPER]: (...args: Args) => encodeURIComponent(toText(split(args).params[0])),
};

/** The helpers a flow template may call by name (the private URL-segment helper excluded). */
export const ENGINE_HELPER_NAMES: readonly string[] = Object.keys(TEMPLATE_HELPERS).filter(
  (name) => name !== URL_SEGMENT_HELPER,
);

/** The engine's helpers that only test their arguments (`eq`, `and`, `not`…). */
export const PREDICATE_HELPER_NAMES: readonly string[] = Object.keys(PREDICATE_HELPERS);
