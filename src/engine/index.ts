/** Public API of the flow engine. Pure: it reaches the outside only through `EnginePorts`. */
export type {
  GenericMessage,
  GenericMessageType,
  Button,
  ListRow,
  ListSection,
} from './generic-message';
export type * from './ports';
export { HTTP_METHODS, BODY_TYPES, BODY_METHODS } from './ports';

export { FLOW_LIMITS } from './limits/flow-limits';
export { FlowCompileError, type FlowCompileErrorCode } from './flow-compile-error';

export { normaliseFlow } from './normalise/normalise-flow';
export { resolveStart } from './normalise/resolve-start';
export { normaliseMessages } from './normalise/normalise-messages';
export { shortenText } from './normalise/shorten-text';
export { normaliseTransitions } from './normalise/normalise-transitions';
export {
  DEFAULT_SETTINGS,
  INPUT_TYPES,
  type ActionDefinition,
  type FlowSettings,
  type InputDefinition,
  type InputType,
  type MessageDefinition,
  type NormalisedFlow,
  type NormalisedState,
  type TransitionRule,
} from './normalise/normalised-flow';

export { compileFlow } from './compile/compile-flow';
export type { CompiledFlow, CompiledState, CompiledRule } from './compile/compiled-flow';
export { ACTION_HANDLERS } from './actions/action-registry';

export { compileTemplate, type Template, type TemplateMode } from './templates/compile-template';
export { compileValue, type ValueRenderer } from './templates/compile-value';
export { buildTemplateContext, simpleScope, type RenderScope } from './templates/render-scope';
export { readPath, parsePath, isForbiddenKey } from './templates/read-path';
export { writePath } from './templates/write-path';
export { renderTemplate } from './templates/render-template';

export { compileCondition } from './conditions/compile-condition';
export {
  CONDITION_OPERATORS,
  type Condition,
  type ConditionFn,
  type ConditionOperator,
} from './conditions/condition';

export { validateInput, DEFAULT_INPUT_ERRORS, type InputOutcome } from './input/validate-input';

export { runTurn } from './runner/run-turn';
export type {
  EnginePorts,
  SessionState,
  SessionStatus,
  TurnContextInfo,
  TurnInput,
  TurnResult,
} from './runner/turn-types';
export type { TraceEvent, TransitionReason, ApiCallStatus } from './runner/trace-event';
export {
  buildApiMeta,
  classifyApiResult,
  type ApiOutcomeStatus,
} from './actions/api-call/classify-api-result';
