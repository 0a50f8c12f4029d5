import { isRecord } from './field-issues';

const MAX_DEPTH = 200;

/**
 * Names of the integrations a flow definition's actions use: every object in an `actions`
 * list (or a lone `actions` object, which the engine accepts too) that has a string
 * `integration`, wherever it sits (state-map or state-list shapes, nested branches, global
 * handlers). Tolerant of any shape: nothing here throws.
 */
export function integrationNamesInFlow(definition: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isRecord(value)) return;
    const raw = value.actions;
    const actions: unknown[] = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : [];
    for (const action of actions) {
      if (isRecord(action) && typeof action.integration === 'string') names.add(action.integration);
    }
    for (const child of Object.values(value)) visit(child, depth + 1);
  };
  visit(definition, 0);
  return names;
}
