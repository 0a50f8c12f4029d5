import type { FlowFacts, StateFacts } from './flow-facts';
import type { IssueCollector } from './issue-collector';

/** Shared by the checks while they walk the document. */
export interface ScanContext {
  issues: IssueCollector;
  stateNames: ReadonlySet<string>;
  /** Null: the integration-name check is skipped. */
  integrationNames: ReadonlySet<string> | null;
  facts: FlowFacts;
  /** The state being scanned; null while scanning document-level sections. */
  state: StateFacts | null;
}
