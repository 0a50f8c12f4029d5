import { URL_SEGMENT_HELPER } from './template-helpers';

/**
 * Rewrites a parsed template so that the output of every mustache passes through
 * `encodeURIComponent` (the URL-segment mode of API_CALL `path` and `query`): `{{id}}` becomes
 * `{{__url_segment id}}` and `{{helper a b}}` becomes `{{__url_segment (helper a b)}}`.
 * Literal text written by the flow author is kept as written. Only nodes that Handlebars'
 * own parser produced are reused; the new nodes carry fixed, known values.
 */
export function encodeMustacheOutputs(program: hbs.AST.Program): hbs.AST.Program {
  return { ...program, body: program.body.map(encodeStatement) };
}

function encodeStatement(statement: hbs.AST.Statement): hbs.AST.Statement {
  if (statement.type === 'MustacheStatement') {
    const mustache = statement as hbs.AST.MustacheStatement;
    if (
      mustache.path.type === 'PathExpression' &&
      (mustache.path as hbs.AST.PathExpression).original === URL_SEGMENT_HELPER
    ) {
      return mustache;
    }
    const param: hbs.AST.Expression =
      mustache.params.length === 0 && !mustache.hash
        ? mustache.path
        : ({
            type: 'SubExpression',
            path: mustache.path as hbs.AST.PathExpression,
            params: mustache.params,
            hash: mustache.hash,
            loc: mustache.loc,
          } as hbs.AST.SubExpression);
    const helperPath: hbs.AST.PathExpression = {
      type: 'PathExpression',
      data: false,
      depth: 0,
      parts: [URL_SEGMENT_HELPER],
      original: URL_SEGMENT_HELPER,
      loc: mustache.loc,
    };
    const encoded: hbs.AST.MustacheStatement = {
      ...mustache,
      path: helperPath,
      params: [param],
      hash: undefined as unknown as hbs.AST.Hash,
    };
    return encoded;
  }
  if (statement.type === 'BlockStatement') {
    const block = statement as hbs.AST.BlockStatement;
    return {
      ...block,
      program: block.program ? encodeMustacheOutputs(block.program) : block.program,
      inverse: block.inverse ? encodeMustacheOutputs(block.inverse) : block.inverse,
    } as hbs.AST.BlockStatement;
  }
  return statement;
}
