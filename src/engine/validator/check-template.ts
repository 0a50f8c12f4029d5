import Handlebars from 'handlebars';
import { show } from './json-path';
import { rewriteIndexSugar } from './rewrite-index-sugar';
import type { ScanContext } from './scan-context';
import { templateReads } from './template-reads';

/**
 * Checks one template string: it must compile (after the `[n]` index rewrite). Records the
 * variables it reads for the variable-usage analysis and warns about unknown helpers.
 */
export function checkTemplate(template: string, path: string, ctx: ScanContext): void {
  if (!template.includes('{{')) return;
  const source = rewriteIndexSugar(template);
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
    Handlebars.precompile(source, { noEscape: true });
  } catch (error) {
    ctx.issues.error(path, `Template ${show(template)} does not compile: ${describe(error)}`);
    return;
  }
  const usage = templateReads(program);
  if (usage.usesPartials) {
    ctx.issues.error(path, `Template ${show(template)} uses a partial or decorator ({{> …}}, {{* …}}); flows have none.`);
  }
  for (const helper of usage.unknownHelpers) {
    ctx.issues.warn(path, `Template calls unknown helper "${helper}"; rendering it will fail.`);
  }
  if (usage.readsEverything) ctx.facts.readsEverything = true;
  for (const root of usage.roots) ctx.facts.reads.push({ root, path, fromTemplate: true, bucket: ctx.issues.bucket });
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length <= 1) return text.trim();
  // Handlebars parse errors: "Parse error on line N:", the source, a caret line, "Expecting …".
  return `${lines[0]} ${lines[lines.length - 1]}`;
}
