import { CONTEXT_KEEPING_BLOCKS, KNOWN_HELPERS } from './known-helpers';

/** What a parsed template reads from the variables, and what it calls. */
export interface TemplateUsage {
  /** Top-level variable names read (without the `variables.` prefix), in order, unique. */
  roots: string[];
  /** Reads the whole variable map (`{{json variables}}`, `{{this}}` at top level). */
  readsEverything: boolean;
  /** Helpers called that the engine does not provide. */
  unknownHelpers: string[];
  /** Uses partials or decorators, which flows do not have. */
  usesPartials: boolean;
  /**
   * Built-in helpers called in a way that fails at every render (`{{#with}}` without a value,
   * `{{if x}}` outside a block, `{{lookup x}}` without a key…), in plain words.
   */
  misusedHelpers: string[];
}

/** Handlebars' block built-ins: `{{#name value}}…{{/name}}`, exactly one value, nothing else. */
const BLOCK_ONLY_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'with', 'each']);
/** Block built-ins that hand no block parameters (`as |x|`) to their body. */
const NO_BLOCK_PARAMS: ReadonlySet<string> = new Set(['if', 'unless']);

type Node = hbs.AST.Node;

/**
 * Walks a Handlebars AST. Paths relative to the top-level context are variable reads;
 * paths inside `each`/`with`/section blocks are relative to the item and are skipped
 * (unless they climb back out with `../` or use `@root`). Helper names, `this` inside
 * blocks, data variables (`@index`, `@key`…) and block params are not reads.
 */
export function templateReads(program: hbs.AST.Program): TemplateUsage {
  const usage: TemplateUsage = {
    roots: [],
    readsEverything: false,
    unknownHelpers: [],
    usesPartials: false,
    misusedHelpers: [],
  };
  walkProgram(program, 0, usage);
  return usage;
}

function walkProgram(
  program: hbs.AST.Program | undefined,
  frame: number,
  usage: TemplateUsage,
): void {
  if (!program) return;
  for (const statement of program.body) walkStatement(statement, frame, usage);
}

function walkStatement(node: Node, frame: number, usage: TemplateUsage): void {
  switch (node.type) {
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      walkCall(mustache.path, mustache.params, mustache.hash, frame, usage);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const name = helperName(block.path);
      walkCall(block.path, block.params, block.hash, frame, usage, true);
      if (
        name !== null &&
        NO_BLOCK_PARAMS.has(name) &&
        (block.program?.blockParams ?? []).length > 0
      )
        addMisuse(usage, `asks "{{#${name}}}" for block parameters ("as |…|"); it has none`);
      const keepsContext = name !== null && CONTEXT_KEEPING_BLOCKS.has(name);
      walkProgram(block.program, keepsContext ? frame : frame + 1, usage);
      walkProgram(block.inverse, frame, usage);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator':
      usage.usesPartials = true;
      return;
    default:
      return;
  }
}

function walkCall(
  path: hbs.AST.Expression,
  params: hbs.AST.Expression[],
  hash: hbs.AST.Hash | undefined,
  frame: number,
  usage: TemplateUsage,
  isBlock = false,
): void {
  const name = helperName(path);
  const hashPairs = hash?.pairs ?? [];
  const isHelperCall =
    params.length > 0 || hashPairs.length > 0 || (name !== null && KNOWN_HELPERS.has(name));
  if (isHelperCall) {
    if (name !== null && !KNOWN_HELPERS.has(name) && !usage.unknownHelpers.includes(name)) {
      usage.unknownHelpers.push(name);
    }
    if (name !== null) checkBuiltInCall(name, params.length, isBlock, usage);
  } else if (!(isBlock && name !== null && KNOWN_HELPERS.has(name))) {
    walkExpression(path, frame, usage);
  }
  for (const param of params) walkExpression(param, frame, usage);
  for (const pair of hashPairs) walkExpression(pair.value, frame, usage);
}

/**
 * Handlebars' own helpers check their arguments only when they run, so a wrong call compiles
 * and then fails at every render (the text comes out empty). Catch those calls here.
 */
function checkBuiltInCall(
  name: string,
  paramCount: number,
  isBlock: boolean,
  usage: TemplateUsage,
): void {
  if (BLOCK_ONLY_HELPERS.has(name)) {
    if (!isBlock)
      addMisuse(usage, `uses "${name}" outside a block; write {{#${name} …}}…{{/${name}}}`);
    else if (paramCount !== 1)
      addMisuse(usage, `calls "{{#${name}}}" with ${values(paramCount)}; it takes exactly one`);
  } else if (name === 'lookup' && paramCount !== 2) {
    addMisuse(
      usage,
      `calls "lookup" with ${values(paramCount)}; it takes exactly two (an object and a key)`,
    );
  }
}

const values = (count: number): string => `${count} value${count === 1 ? '' : 's'}`;

function addMisuse(usage: TemplateUsage, problem: string): void {
  if (!usage.misusedHelpers.includes(problem)) usage.misusedHelpers.push(problem);
}

function walkExpression(node: hbs.AST.Expression, frame: number, usage: TemplateUsage): void {
  if (node.type === 'SubExpression') {
    const sub = node as hbs.AST.SubExpression;
    walkCall(sub.path, sub.params, sub.hash, frame, usage);
    return;
  }
  if (node.type !== 'PathExpression') return;
  const path = node as hbs.AST.PathExpression;
  if (path.data) {
    if (path.parts[0] === 'root') readParts(path.parts.slice(1), usage);
    return;
  }
  if (path.depth !== frame) return;
  readParts(path.parts, usage);
}

function readParts(parts: string[], usage: TemplateUsage): void {
  const rest = parts[0] === 'variables' ? parts.slice(1) : parts;
  if (rest.length === 0) {
    usage.readsEverything = true;
    return;
  }
  if (!usage.roots.includes(rest[0])) usage.roots.push(rest[0]);
}

/** The helper (or variable) name of a call: a single plain path segment, else null. */
function helperName(path: hbs.AST.Expression): string | null {
  if (path.type !== 'PathExpression') return null;
  const expression = path as hbs.AST.PathExpression;
  if (expression.data || expression.depth > 0 || expression.parts.length !== 1) return null;
  return expression.parts[0];
}
