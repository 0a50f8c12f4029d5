import { isForbiddenKey } from './read-path';
import { compileTemplate, type TemplateMode } from './compile-template';
import type { RenderScope } from './render-scope';

/** Renders a JSON tree whose strings are templates into a fresh value. */
export type ValueRenderer = (scope: RenderScope) => unknown;

/**
 * - `text`: every string renders to text (messages).
 * - `value`: a string that is exactly one `{{path}}` keeps the JSON type (SET_VARIABLES, bodies).
 * - `url`: interpolated values are URL-encoded (API_CALL path and query).
 * Objects and arrays are rebuilt on every render, so nothing compiled is ever shared with a
 * session. Prototype keys are dropped.
 */
export function compileValue(
  value: unknown,
  mode: 'text' | 'value' | 'url',
  path: string,
): ValueRenderer {
  if (typeof value === 'string') {
    const templateMode: TemplateMode = mode === 'url' ? 'url' : 'text';
    const template = compileTemplate(value, templateMode, path);
    if (template.isStatic) return () => value;
    return mode === 'value' ? template.value : template.render;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, mode, `${path}[${i}]`));
    return (scope) => items.map((item) => item(scope));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !isForbiddenKey(key))
      .map(
        ([key, item]) => [key, compileValue(item, mode, path ? `${path}.${key}` : key)] as const,
      );
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries) out[key] = item(scope);
      return out;
    };
  }
  return () => value;
}
