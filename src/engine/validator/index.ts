export type { FlowIssue, FlowValidationResult, ValidationContext } from './flow-issue';
export { validateFlow } from './validate-flow';
export { measureDepth } from './measure-depth';
export { MAX_FLOW_BYTES, MAX_FLOW_DEPTH, measureJsonBytes } from './flow-limits';
export { NO_FALLBACK_MESSAGE } from './warn-waiting-state';
