/**
 * An SVG element described as data: built by pure code (testable without a DOM) and turned
 * into real elements by mountSvg (mount-svg.ts). Text children are set as text, never parsed as markup, so
 * state names and labels from the flow cannot inject anything.
 */
export interface SvgSpec {
  tag: string;
  attrs: Record<string, string>;
  children: Array<SvgSpec | string>;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Shorthand to write a spec; attributes with undefined or false values are left out. */
export function svg(
  tag: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Array<SvgSpec | string | null | undefined | false>
): SvgSpec {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    kept[key] = value === true ? '' : typeof value === 'number' ? round(value) : value;
  }
  return {
    tag,
    attrs: kept,
    children: children.filter(
      (c): c is SvgSpec | string => c !== null && c !== undefined && c !== false,
    ),
  };
}

/** Two decimals are plenty for pixels, and keep the markup small. */
export const round = (n: number): string => String(Math.round(n * 100) / 100);

/** Every element of a spec tree (itself included), depth first: handy to query in specs. */
export function allElements(spec: SvgSpec): SvgSpec[] {
  return [spec, ...spec.children.flatMap((c) => (typeof c === 'string' ? [] : allElements(c)))];
}

/** The text of an element and its descendants. */
export function textOf(spec: SvgSpec): string {
  return spec.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
