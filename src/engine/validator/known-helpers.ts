/** Helpers a flow template may call: the engine's own and Handlebars' built-ins. */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'gt',
  'lt',
  'and',
  'or',
  'not',
  'default',
  'json',
  'upper',
  'lower',
  'number',
  'date',
  'length',
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
]);

/** Built-in helpers whose block body keeps the surrounding context. */
export const CONTEXT_KEEPING_BLOCKS: ReadonlySet<string> = new Set([
  'if',
  'unless',
  'eq',
  'ne',
  'gt',
  'lt',
  'and',
  'or',
  'not',
]);

/** Variables the engine sets itself. */
export const BUILT_IN_VARIABLES: ReadonlySet<string> = new Set([
  'contact_name',
  'user_id',
  'channel',
  'chatbot_id',
  'session_id',
  'last_input',
  'locale',
]);
