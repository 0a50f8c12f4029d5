/** One validation finding: where it is in the author's JSON and what is wrong, in plain words. */
export interface FlowIssue {
  path: string;
  message: string;
}

/** What the validator knows about the chatbot beyond the flow itself. */
export interface ValidationContext {
  /** Names of the chatbot's saved HTTP integrations; null/undefined skips the integration-name check. */
  integrationNames?: string[] | null;
}

export interface FlowValidationResult {
  errors: FlowIssue[];
  warnings: FlowIssue[];
}
