import { FLOW_LIMITS } from '../limits/flow-limits';

const BLOCK_TAG = /\{\{~?\s*(#|\/|\^(?=\s*[^\s}~]))/g;

/**
 * Why a template is too big to compile, found by one linear scan before Handlebars parses it
 * (Handlebars' own parser takes seconds on thousands of nested blocks): over the length
 * limit, or blocks nested deeper than the nesting limit. Undefined when it is fine.
 */
export function templateShapeProblem(source: string): string | undefined {
  if (source.length > FLOW_LIMITS.maxTemplateLength)
    return `it is ${source.length} characters long; the limit is ${FLOW_LIMITS.maxTemplateLength}`;
  let depth = 0;
  for (const match of source.matchAll(BLOCK_TAG)) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth > FLOW_LIMITS.maxTemplateNesting)
      return `its blocks ({{#…}}) nest deeper than ${FLOW_LIMITS.maxTemplateNesting} levels`;
  }
  return undefined;
}
