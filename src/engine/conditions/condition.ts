/** The `when` / `if` condition language of flows: data, never code. */
export const CONDITION_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'starts_with',
  'matches',
  'exists',
  'empty',
  'in',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface Comparison {
  /** Dot path into the variables; a leading `variables.` is accepted and ignored. */
  var: string;
  op: ConditionOperator;
  value?: unknown;
}

export type Condition =
  Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** A compiled condition: evaluated against the session variables. */
export type ConditionFn = (variables: Record<string, unknown>) => boolean;
