import Handlebars from 'handlebars';
import { registerBudgetedBlocks } from './budgeted-blocks';
import { TEMPLATE_HELPERS } from './template-helpers';

/**
 * One isolated Handlebars environment for all flows: helpers registered here never leak
 * into (or from) other users of the `handlebars` package in the process.
 */
export const templateEnv: typeof Handlebars = Handlebars.create();
templateEnv.registerHelper(TEMPLATE_HELPERS);
registerBudgetedBlocks(templateEnv);
// Handlebars' own `log` writes to the server's console: a flow could print its variables
// (and a backend's answers) into the server's logs. It stays a known name, so published
// flows that use it still compile, and renders nothing.
templateEnv.registerHelper('log', () => '');

/** Built-in helpers of Handlebars that templates may use besides ours. */
export const HANDLEBARS_BUILT_IN_HELPERS: readonly string[] = [
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
];

/**
 * Compile options: no HTML escaping (messages are not HTML), and only known helpers, so a
 * misspelt helper is a compile error instead of a silent empty string at run time.
 */
export const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  strict: false,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(
    [...HANDLEBARS_BUILT_IN_HELPERS, ...Object.keys(TEMPLATE_HELPERS)].map((name) => [name, true]),
  ),
};

/**
 * Runtime options: prototype properties and methods are never resolved. Setting both flags
 * explicitly (rather than relying on the defaults) also keeps Handlebars from logging a
 * warning for each denied name.
 */
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};
