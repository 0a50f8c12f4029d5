import { HANDLEBARS_BUILT_IN_HELPERS } from '../templates/handlebars-env';
import { ENGINE_HELPER_NAMES, PREDICATE_HELPER_NAMES } from '../templates/template-helpers';

/** Helpers a flow template may call: the engine's own and Handlebars' built-ins. */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set([
  ...ENGINE_HELPER_NAMES,
  ...HANDLEBARS_BUILT_IN_HELPERS,
]);

/**
 * Block helpers whose body keeps the surrounding context: the conditional built-ins and the
 * engine's predicates (`each`/`with` step into their argument instead).
 */
export const CONTEXT_KEEPING_BLOCKS: ReadonlySet<string> = new Set([
  'if',
  'unless',
  ...PREDICATE_HELPER_NAMES,
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
