const MUSTACHE = /\{\{[\s\S]*?\}\}/g;
const INDEX_AFTER_NAME = /(?<=[^\s.[{(=|])\[(\d+)\]/g;

/**
 * Rewrites the `[n]` index form of the seeds (`orders[0].id`) into Handlebars' segment
 * literal form (`orders.[0].id`), inside mustaches only.
 */
export function rewriteIndexSugar(template: string): string {
  return template.replace(MUSTACHE, (mustache) => mustache.replace(INDEX_AFTER_NAME, '.[$1]'));
}
