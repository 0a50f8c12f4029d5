import { FLOW_LIMITS } from '../limits/flow-limits';
import { compileTemplate } from './compile-template';
import { newRenderBudget, type RenderBudget } from './render-budget';
import { buildTemplateContext, type RenderScope } from './render-scope';

function scope(variables: Record<string, unknown>, budget?: RenderBudget) {
  const errors: string[] = [];
  const s: RenderScope = {
    context: buildTemplateContext(variables),
    budget,
    onError: (_source, error) => errors.push((error as Error).message),
  };
  return { s, errors };
}

const hundred = [...Array(100).keys()];
const BOMB =
  '{{#each a}}{{#each ../a}}{{#each ../../a}}{{#each ../../../a}}{{this}},{{/each}}{{/each}}{{/each}}{{/each}}';

describe('template rendering budget', () => {
  it('renders loops normally within the budget and charges each body', () => {
    const budget = newRenderBudget();
    const { s, errors } = scope({ a: [1, 2, 3] }, budget);
    expect(compileTemplate('{{#each a}}<{{this}}>{{/each}}').render(s)).toBe('<1><2><3>');
    expect(errors).toEqual([]);
    expect(budget.iterations).toBe(FLOW_LIMITS.templateIterationBudget - 3);
  });

  it('stops four nested loops over a hundred items and reports it', () => {
    const { s, errors } = scope({ a: hundred }, newRenderBudget());
    expect(compileTemplate(BOMB).render(s)).toBe('');
    expect(errors).toEqual([expect.stringMatching(/budget of this turn exceeded \(iterations\)/)]);
  });

  it('shares one budget across the renders of a turn', () => {
    const budget: RenderBudget = { iterations: 5, chars: 1000 };
    const loop = compileTemplate('{{#each a}}{{this}}{{/each}}');
    expect(loop.render(scope({ a: [1, 2, 3] }, budget).s)).toBe('123');
    const second = scope({ a: [1, 2, 3] }, budget);
    expect(loop.render(second.s)).toBe('');
    expect(second.errors).toHaveLength(1);
  });

  it('stops when block bodies produce too much text', () => {
    const { s, errors } = scope({ a: hundred, big: 'x'.repeat(50_000) }, newRenderBudget());
    expect(compileTemplate('{{#each a}}{{../big}}{{/each}}').render(s)).toBe('');
    expect(errors).toEqual([expect.stringMatching(/\(output size\)/)]);
  });

  it('cuts a simple interpolation at the size limit too, never inside an emoji', () => {
    // The limit falls between the emoji's two UTF-16 units.
    const big = `${'y'.repeat(FLOW_LIMITS.maxRenderedChars - 1)}😀 and more`;
    const { s, errors } = scope({ big, more: 'z'.repeat(10_000) });
    const out = compileTemplate('{{big}}').render(s);
    expect(out).toBe('y'.repeat(FLOW_LIMITS.maxRenderedChars - 1));
    expect(errors).toEqual([expect.stringMatching(/cut to/)]);
    const many = compileTemplate('{{more}}'.repeat(8)).render(s);
    expect(many).toHaveLength(FLOW_LIMITS.maxRenderedChars);
  });

  it('cuts one rendered message at the size limit', () => {
    const { s, errors } = scope({ big: 'y'.repeat(FLOW_LIMITS.maxRenderedChars + 10) });
    const out = compileTemplate('{{#if big}}{{big}}{{/if}}').render(s);
    expect(out).toHaveLength(FLOW_LIMITS.maxRenderedChars);
    expect(errors).toEqual([expect.stringMatching(/cut to/)]);
  });
});
