import { shortenText } from '../normalise/shorten-text';
import { FLOW_LIMITS } from '../limits/flow-limits';
import { FlowCompileError } from '../flow-compile-error';
import { COMPILE_OPTIONS, RUNTIME_OPTIONS, templateEnv } from './handlebars-env';
import { renderWithBudget } from './render-budget';
import { parsePath, readSegments } from './read-path';
import type { RenderScope } from './render-scope';
import { rewriteIndexSugar } from './rewrite-index-sugar';
import { templateShapeProblem } from './template-shape';
import { TEMPLATE_HELPERS, toText } from './template-helpers';
import { encodeMustacheOutputs } from './url-segment-transform';

/**
 * `text`: the usual rendering. `url`: every interpolated value is encodeURIComponent-ed, so a
 * variable holding `../admin` or `a/b?x=1` stays inside its path segment or query value.
 */
export type TemplateMode = 'text' | 'url';

/** A template compiled once per flow version and rendered many times. */
export interface Template {
  readonly source: string;
  /** True when the source has no mustache at all. */
  readonly isStatic: boolean;
  /** Renders to text. A run-time error renders '' and is reported to `scope.onError`. */
  render(scope: RenderScope): string;
  /**
   * Like `render`, except that a template that is exactly one `{{path}}` returns the value
   * itself, keeping its JSON type (numbers, booleans, objects, lists). Missing → ''.
   */
  value(scope: RenderScope): unknown;
}

/** `{{ a.b[0].c }}` (or triple-stash) and nothing else: a typed single-path template. */
const SINGLE_PATH = /^\{\{\{?\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\]|\.\[[^\]]+\])*)\s*\}?\}\}$/;

function singlePathSegments(source: string): readonly string[] | null {
  const match = SINGLE_PATH.exec(source);
  if (!match) return null;
  const path = match[1];
  const head = path.split(/[.[]/, 1)[0];
  if (
    head === 'this' ||
    head === 'else' ||
    Object.prototype.hasOwnProperty.call(TEMPLATE_HELPERS, head)
  )
    return null;
  return parsePath(path);
}

const SIMPLE_MUSTACHE =
  /\{\{(\{?)\s*([A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\]|\.\[[^\]{}]+\])*)\s*(\}?)\}\}/g;

/**
 * Fast path for the most common templates: text with only plain `{{path}}` outputs (no
 * helpers, blocks, comments or whitespace control). They render without Handlebars' per-call
 * set-up, with the same result: missing → '', other values as `String(value)` in text mode
 * (as Handlebars does), encodeURIComponent of the text form in url mode. Returns undefined
 * when the template needs Handlebars.
 */
function compileSimple(
  source: string,
  mode: TemplateMode,
): ((scope: RenderScope) => string) | undefined {
  if (source.includes('\\')) return undefined; // `\{{` escapes are Handlebars' business
  const literals: string[] = [];
  const paths: Array<readonly string[]> = [];
  let last = 0;
  for (const match of source.matchAll(SIMPLE_MUSTACHE)) {
    if (match[1] !== match[3]) return undefined; // unbalanced triple-stash
    const head = match[2].split(/[.[]/, 1)[0];
    if (
      head === 'this' ||
      head === 'else' ||
      Object.prototype.hasOwnProperty.call(TEMPLATE_HELPERS, head)
    )
      return undefined;
    const segments = parsePath(match[2]);
    if (segments === null) return undefined;
    literals.push(source.slice(last, match.index));
    paths.push(segments);
    last = match.index + match[0].length;
  }
  const tail = source.slice(last);
  if (
    paths.length === 0 ||
    literals.some((l) => l.includes('{{') || l.includes('}}')) ||
    tail.includes('{{') ||
    tail.includes('}}')
  ) {
    return undefined;
  }
  const show =
    mode === 'url'
      ? (value: unknown): string => encodeURIComponent(toText(value))
      : // Same as Handlebars' own output (so lists read `a,b`), which is the point of this path.
        // eslint-disable-next-line @typescript-eslint/no-base-to-string
        (value: unknown): string => (value === undefined || value === null ? '' : String(value));
  return (scope) => {
    let out = literals[0];
    for (let i = 0; i < paths.length; i++) {
      out += show(readSegments(scope.context, paths[i]));
      out += i + 1 < literals.length ? literals[i + 1] : tail;
    }
    return capped(source, out, scope);
  };
}

/** A render's output within FLOW_LIMITS.maxRenderedChars: cut there, and told to the trace. */
function capped(source: string, out: string, scope: RenderScope): string {
  if (out.length <= FLOW_LIMITS.maxRenderedChars) return out;
  scope.onError(
    source,
    new Error(`output of ${out.length} characters cut to ${FLOW_LIMITS.maxRenderedChars}`),
  );
  return shortenText(out, FLOW_LIMITS.maxRenderedChars, '');
}

function staticTemplate(source: string): Template {
  return { source, isStatic: true, render: () => source, value: () => source };
}

/**
 * Compiles `source` once. Syntax errors, unknown helpers and the like throw a
 * `FlowCompileError` (code `invalid_template`) carrying `path`.
 */
export function compileTemplate(source: string, mode: TemplateMode = 'text', path = ''): Template {
  const tooBig = templateShapeProblem(source);
  if (tooBig !== undefined)
    throw new FlowCompileError('invalid_template', `template is too big: ${tooBig}`, path);
  if (!source.includes('{{')) return staticTemplate(source);
  const simple = compileSimple(source, mode);
  if (simple !== undefined) {
    const segments = mode === 'text' ? singlePathSegments(source) : null;
    return {
      source,
      isStatic: false,
      render: simple,
      value: segments === null ? simple : typedValue(segments),
    };
  }
  let delegate: HandlebarsTemplateDelegate;
  try {
    let ast = templateEnv.parse(rewriteIndexSugar(source));
    if (mode === 'url') ast = encodeMustacheOutputs(ast);
    // precompile throws every compile-time error now rather than on first render.
    templateEnv.precompile(ast, COMPILE_OPTIONS);
    delegate = templateEnv.compile(ast, COMPILE_OPTIONS);
  } catch (error) {
    throw new FlowCompileError(
      'invalid_template',
      `template does not compile: ${(error as Error).message}`,
      path,
    );
  }
  try {
    delegate({}, RUNTIME_OPTIONS); // warm the lazy compilation; run-time errors do not matter here
  } catch {
    /* ignored */
  }
  const render = (scope: RenderScope): string => {
    let out: string;
    try {
      out = scope.budget
        ? renderWithBudget(scope.budget, () => delegate(scope.context, RUNTIME_OPTIONS))
        : delegate(scope.context, RUNTIME_OPTIONS);
    } catch (error) {
      scope.onError(source, error);
      return '';
    }
    return capped(source, out, scope);
  };
  const segments = mode === 'text' ? singlePathSegments(source) : null;
  return {
    source,
    isStatic: false,
    render,
    value: segments === null ? render : typedValue(segments),
  };
}

/** The value at a single path, keeping its JSON type; missing → '' (null stays null). */
function typedValue(segments: readonly string[]): (scope: RenderScope) => unknown {
  return (scope) => {
    const found = readSegments(scope.context, segments);
    return found === undefined ? '' : found;
  };
}
