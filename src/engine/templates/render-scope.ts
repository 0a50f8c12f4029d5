import type { RenderBudget } from './render-budget';

/**
 * What a template is rendered against: the context object (the session variables, also
 * reachable under `variables`) and a sink for run-time errors, which never escape a render.
 */
export interface RenderScope {
  readonly context: Record<string, unknown>;
  /** The turn's rendering budget; absent for one-off renders (validation, tests). */
  readonly budget?: RenderBudget;
  onError(source: string, error: unknown): void;
}

/** Builds the template context: every variable at the top level, and all of them under `variables`. */
export function buildTemplateContext(variables: Record<string, unknown>): Record<string, unknown> {
  // `variables` itself wins over a user variable of that name: the documented spelling must work.
  return { ...variables, variables };
}

/** A scope that swallows errors; for tests and one-off renders. */
export function simpleScope(
  variables: Record<string, unknown>,
  errors: string[] = [],
): RenderScope {
  return {
    context: buildTemplateContext(variables),
    onError: (_source, error) =>
      errors.push(error instanceof Error ? error.message : String(error)),
  };
}
