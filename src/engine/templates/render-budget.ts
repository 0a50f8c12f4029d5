import { FLOW_LIMITS } from '../limits/flow-limits';

/**
 * What one turn may spend on template rendering: loop iterations and characters produced by
 * block bodies. Shared by every render of the turn, so four nested `{{#each}}` over a
 * hundred items stop after the budget instead of producing a hundred million lines.
 */
export interface RenderBudget {
  iterations: number;
  chars: number;
}

/** Characters block bodies may produce in one turn, summed over all its templates. */
export const TURN_RENDERED_CHARS = 1_000_000;

export function newRenderBudget(): RenderBudget {
  return { iterations: FLOW_LIMITS.templateIterationBudget, chars: TURN_RENDERED_CHARS };
}

/** Thrown inside a render when the turn's budget runs out; the render then yields ''. */
export class RenderBudgetExceeded extends Error {
  constructor(what: string) {
    super(`template rendering budget of this turn exceeded (${what})`);
  }
}

/**
 * The budget of the render running now. Handlebars renders synchronously, so the budgeted
 * block helpers find it here rather than in per-render data (passing render data makes
 * every render several times slower).
 */
let active: RenderBudget | undefined;

/** Runs one synchronous render charged to `budget`. */
export function renderWithBudget<T>(budget: RenderBudget, render: () => T): T {
  const previous = active;
  active = budget;
  try {
    return render();
  } finally {
    active = previous;
  }
}

/** The budget the current render is charged to, if any. */
export function activeRenderBudget(): RenderBudget | undefined {
  return active;
}
