import { FlowCompileError } from '../flow-compile-error';
import { COMPILE_OPTIONS, RUNTIME_OPTIONS, templateEnv } from './handlebars-env';
import { parsePath, readSegments } from './read-path';
import type { RenderScope } from './render-scope';
import { rewriteIndexSugar } from './rewrite-index-sugar';
import { TEMPLATE_HELPERS } from './template-helpers';
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
  if (head === 'this' || head === 'else' || Object.prototype.hasOwnProperty.call(TEMPLATE_HELPERS, head)) return null;
  return parsePath(path);
}

function staticTemplate(source: string): Template {
  return { source, isStatic: true, render: () => source, value: () => source };
}

/**
 * Compiles `source` once. Syntax errors, unknown helpers and the like throw a
 * `FlowCompileError` (code `invalid_template`) carrying `path`.
 */
export function compileTemplate(source: string, mode: TemplateMode = 'text', path = ''): Template {
  if (!source.includes('{{')) return staticTemplate(source);
  let delegate: HandlebarsTemplateDelegate;
  try {
    let ast = templateEnv.parse(rewriteIndexSugar(source));
    if (mode === 'url') ast = encodeMustacheOutputs(ast);
    // precompile throws every compile-time error now rather than on first render.
    templateEnv.precompile(ast, COMPILE_OPTIONS);
    delegate = templateEnv.compile(ast, COMPILE_OPTIONS);
  } catch (error) {
    throw new FlowCompileError('invalid_template', `template does not compile: ${(error as Error).message}`, path);
  }
  try {
    delegate({}, RUNTIME_OPTIONS); // warm the lazy compilation; run-time errors do not matter here
  } catch {
    /* ignored */
  }
  const render = (scope: RenderScope): string => {
    try {
      return delegate(scope.context, RUNTIME_OPTIONS);
    } catch (error) {
      scope.onError(source, error);
      return '';
    }
  };
  const segments = mode === 'text' ? singlePathSegments(source) : null;
  const value =
    segments === null
      ? render
      : (scope: RenderScope): unknown => {
          const found = readSegments(scope.context, segments);
          return found === undefined || found === null ? (found === null ? null : '') : found;
        };
  return { source, isStatic: false, render, value };
}
