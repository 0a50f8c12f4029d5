import { compileTemplate, type TemplateMode } from './compile-template';
import { simpleScope } from './render-scope';

/**
 * One-off render of a template source against variables, for callers outside a turn
 * (integration test requests, previews). Compiles every call: do not use on a hot path.
 * Run-time errors render '' and are appended to `errors`.
 */
export function renderTemplate(
  source: string,
  variables: Record<string, unknown>,
  mode: TemplateMode = 'text',
  errors: string[] = [],
): string {
  return compileTemplate(source, mode).render(simpleScope(variables, errors));
}
