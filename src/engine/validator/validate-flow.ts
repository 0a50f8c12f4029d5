import { compileFlow } from '../compile/compile-flow';
import { FlowCompileError } from '../flow-compile-error';
import { checkInitialVariables } from './check-initial-variables';
import { checkSettings, SETTINGS_BUCKET } from './check-settings';
import { checkTemplate } from './check-template';
import { checkState } from './check-state';
import { checkTransitions } from './check-transitions';
import { collectStates, STATES_BUCKET } from './collect-states';
import type { FlowFacts } from './flow-facts';
import type { FlowValidationResult, ValidationContext } from './flow-issue';
import { MAX_FLOW_BYTES, MAX_FLOW_DEPTH, measureJsonBytes } from './flow-limits';
import { IssueCollector } from './issue-collector';
import { show } from './json-path';
import { isRecord } from './json-guards';
import { measureDepth } from './measure-depth';
import { resolveStart } from './resolve-start';
import type { ScanContext } from './scan-context';
import { warnApiFailureRoutes } from './warn-api-failure-routes';
import { warnUnknownFields } from './warn-unknown-fields';
import { warnUnreachableStates } from './warn-unreachable-states';
import { warnVariableUsage } from './warn-variable-usage';
import { warnWaitingState } from './warn-waiting-state';

const GLOBAL_TRANSITIONS_BUCKET = 3;
const DOCUMENT_FIELDS_BUCKET = 4;
const DOCUMENT_FIELDS = [
  'start',
  'settings',
  'variables',
  'global_transitions',
  'states',
  'name',
  'description',
  'version',
];

/**
 * Validates a raw conversation-flow definition (as the author wrote it, either container
 * shape). Errors make publishing refuse the flow; warnings do not. Paths point into the
 * written JSON; the order is the document's (start, settings, variables,
 * global_transitions, then each state in written order) and is stable for equal input.
 */
export function validateFlow(
  definition: unknown,
  context: ValidationContext = {},
): FlowValidationResult {
  const issues = new IssueCollector();
  if (!isRecord(definition)) {
    issues.error('', `The flow definition must be a JSON object, not ${show(definition)}.`);
    return issues.result();
  }
  const depth = measureDepth(definition);
  if (depth > MAX_FLOW_DEPTH) {
    issues.error(
      '',
      `The flow definition is nested ${depth} levels deep; the limit is ${MAX_FLOW_DEPTH}.`,
    );
    return issues.result();
  }
  const bytes = measureJsonBytes(definition);
  if (bytes > MAX_FLOW_BYTES) {
    issues.error(
      '',
      `The flow definition is ${bytes} bytes of JSON; the limit is ${MAX_FLOW_BYTES} (1 MiB).`,
    );
    return issues.result();
  }

  const collected = collectStates(definition.states, issues);
  const start = resolveStart(definition.start, collected.states, collected.names, issues);
  checkSettings(definition.settings, issues);
  const facts: FlowFacts = {
    stateNames: collected.names,
    states: [],
    start,
    globalRoutes: [],
    initialVariables: checkInitialVariables(definition.variables, issues),
    reads: [],
    readsEverything: false,
    usesDirectives: false,
  };
  const integrationNames = context.integrationNames ? new Set(context.integrationNames) : null;
  const ctx: ScanContext = {
    issues,
    stateNames: collected.names,
    integrationNames,
    facts,
    state: null,
  };

  // The fallback message is a template like any message (checked here, where reads are kept).
  const settings = definition.settings;
  if (isRecord(settings) && typeof settings.fallback_message === 'string') {
    issues.setBucket(SETTINGS_BUCKET);
    checkTemplate(settings.fallback_message, 'settings.fallback_message', ctx);
  }

  issues.setBucket(GLOBAL_TRANSITIONS_BUCKET);
  checkTransitions(definition.global_transitions, 'global_transitions', ctx, true);
  issues.setBucket(DOCUMENT_FIELDS_BUCKET);
  warnUnknownFields(definition, DOCUMENT_FIELDS, '', 'the flow', issues);

  for (const raw of collected.states) facts.states.push(checkState(raw, ctx));
  ctx.state = null;

  for (const state of facts.states) {
    warnWaitingState(state, issues);
    warnApiFailureRoutes(state, issues);
  }
  warnUnreachableStates(facts, issues);
  warnVariableUsage(facts, issues);
  issues.setBucket(STATES_BUCKET);
  const result = issues.result();
  if (result.errors.length === 0) checkCompiles(definition, issues);
  return issues.result();
}

/**
 * The last check, on a flow with no other errors: it compiles exactly as the engine will run
 * it. Anything the checks above missed is then an error with its path here, never a 500 on
 * every session after publishing.
 */
function checkCompiles(definition: Record<string, unknown>, issues: IssueCollector): void {
  try {
    compileFlow(definition);
  } catch (error) {
    if (!(error instanceof FlowCompileError)) throw error;
    const prefix = error.path ? `${error.path}: ` : '';
    const message = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    issues.error(error.path, `${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
  }
}
