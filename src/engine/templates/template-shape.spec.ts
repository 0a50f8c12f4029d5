import { FLOW_LIMITS } from '../limits/flow-limits';
import { templateShapeProblem } from './template-shape';

const nested = (n: number) => '{{#if a}}'.repeat(n) + 'x' + '{{/if}}'.repeat(n);

describe('templateShapeProblem', () => {
  it('accepts ordinary templates, with blocks side by side at any count', () => {
    expect(templateShapeProblem('Hi {{name}}')).toBeUndefined();
    expect(templateShapeProblem('{{#each a}}{{.}}{{/each}}'.repeat(200))).toBeUndefined();
    expect(templateShapeProblem(nested(FLOW_LIMITS.maxTemplateNesting))).toBeUndefined();
  });

  it('refuses blocks nested past the limit, including thousands deep', () => {
    expect(templateShapeProblem(nested(FLOW_LIMITS.maxTemplateNesting + 1))).toMatch(/nest deeper/);
    expect(templateShapeProblem(nested(5000).slice(0, FLOW_LIMITS.maxTemplateLength))).toMatch(
      /nest deeper/,
    );
    expect(templateShapeProblem('{{^a}}'.repeat(40))).toMatch(/nest deeper/);
  });

  it('refuses templates over the length limit', () => {
    expect(templateShapeProblem('x'.repeat(FLOW_LIMITS.maxTemplateLength + 1))).toMatch(
      /characters long/,
    );
  });
});
