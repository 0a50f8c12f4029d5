import Handlebars from 'handlebars';
import { rewriteIndexSugar } from '../templates/rewrite-index-sugar';
import { templateShapeProblem } from '../templates/template-shape';
import { show } from './json-path';
import { KNOWN_HELPERS } from './known-helpers';
import type { ScanContext } from './scan-context';
import { templateReads } from './template-reads';

const COMPILE_OPTIONS = {
  noEscape: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries([...KNOWN_HELPERS].map((name) => [name, true])),
};

/**
 * Checks one template string the way the engine compiles it: after the `[n]` index
 * rewrite, without HTML escaping, known helpers only, no partials. Records the variables it
 * reads for the variable-usage analysis.
 */
export function checkTemplate(template: string, path: string, ctx: ScanContext): void {
  const tooBig = templateShapeProblem(template);
  if (tooBig !== undefined) {
    ctx.issues.error(path, `Template ${show(template)} is too big: ${tooBig}.`);
    return;
  }
  if (!template.includes('{{')) return;
  const source = rewriteIndexSugar(template);
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    ctx.issues.error(path, `Template ${show(template)} does not compile: ${describe(error)}`);
    return;
  }
  const usage = templateReads(program);
  if (usage.unknownHelpers.length > 0) {
    for (const helper of usage.unknownHelpers) {
      ctx.issues.error(
        path,
        `Template ${show(template)} calls unknown helper "${helper}"; available: ${[...KNOWN_HELPERS].join(' ')}.`,
      );
    }
    return;
  }
  if (usage.usesPartials) {
    ctx.issues.error(
      path,
      `Template ${show(template)} uses a partial or decorator ({{> …}}, {{* …}}); flows have none.`,
    );
    return;
  }
  if (usage.misusedHelpers.length > 0) {
    for (const problem of usage.misusedHelpers)
      ctx.issues.error(path, `Template ${show(template)} ${problem}.`);
    return;
  }
  try {
    Handlebars.precompile(source, COMPILE_OPTIONS);
  } catch (error) {
    ctx.issues.error(path, `Template ${show(template)} does not compile: ${describe(error)}`);
    return;
  }
  if (usage.readsEverything) ctx.facts.readsEverything = true;
  for (const root of usage.roots)
    ctx.facts.reads.push({ root, path, fromTemplate: true, bucket: ctx.issues.bucket });
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length <= 1) return text.trim();
  // Handlebars parse errors: "Parse error on line N:", the source, a caret line, "Expecting …".
  return `${lines[0]} ${lines[lines.length - 1]}`;
}
