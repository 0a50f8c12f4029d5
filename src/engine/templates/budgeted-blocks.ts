import type { HelperDelegate, HelperOptions } from 'handlebars';
import { activeRenderBudget, RenderBudgetExceeded } from './render-budget';

type Env = {
  helpers: Record<string, HelperDelegate>;
  registerHelper(name: string, fn: HelperDelegate): void;
};

/**
 * Wraps Handlebars' looping and block helpers so that each body they render is charged to the
 * turn's budget (see renderWithBudget): one iteration and the body's length. When
 * the budget is spent the render throws, and the template renders '' with a template_error.
 * Renders without a budget (validation, one-off tests) are not charged.
 */
export function registerBudgetedBlocks(env: Env): void {
  for (const name of ['each', 'with', 'if', 'unless']) {
    const original = env.helpers[name] as (this: unknown, ...args: unknown[]) => unknown;
    env.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as HelperOptions;
      const budget = activeRenderBudget();
      if (budget === undefined) return original.apply(this, args);
      const charge =
        (body: HelperOptions['fn']): HelperOptions['fn'] =>
        (context, opts) => {
          if (--budget.iterations < 0) throw new RenderBudgetExceeded('iterations');
          const text = body(context, opts);
          budget.chars -= text.length;
          if (budget.chars < 0) throw new RenderBudgetExceeded('output size');
          return text;
        };
      const charged = { ...options, fn: charge(options.fn), inverse: charge(options.inverse) };
      return original.apply(this, [...args.slice(0, -1), charged]);
    });
  }
}
