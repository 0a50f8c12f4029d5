/** A place in the flow that routes to a state, as written (the target may not exist). */
export interface RouteRef {
  target: string;
  path: string;
}

/** A variable write: SET_VARIABLES key, input.save_to or API_CALL save_to. */
export interface VariableWrite {
  root: string;
  path: string;
  /** Position among the state's actions; input writes come after every action. */
  order: number;
  kind: 'set' | 'input' | 'api';
}

/** A variable read by a template or condition. */
export interface VariableRead {
  root: string;
  path: string;
  /** Template reads are checked against writes; condition reads are not (`exists` is normal). */
  fromTemplate: boolean;
  /** Issue-collector bucket of the place that reads. */
  bucket: number;
}

/** An API_CALL as far as flow-wide analysis needs it. */
export interface ApiCallFact {
  path: string;
  order: number;
  fireAndForget: boolean;
  /** Variable receiving the response (`response` by default); null with fire_and_forget. */
  saveTo: string | null;
  /** POST/PUT/PATCH with auto_body: sends every variable to the backend. */
  sendsAllVariables: boolean;
  hasSuccessRoute: boolean;
  hasFailureRoute: boolean;
  /** Failure outcomes not covered by status_transitions (when there is no failure_transition). */
  uncoveredFailures: string[];
}

/** What the scan learnt about one state. */
export interface StateFacts {
  name: string;
  path: string;
  bucket: number;
  routes: RouteRef[];
  end: boolean;
  /** Has transitions written at all (non-empty). */
  hasTransitions: boolean;
  /** A `default` key or a rule with only `to`. */
  hasDefault: boolean;
  /** An unconditional `always` (map key or rule without `when`). */
  hasAlways: boolean;
  /** Some action always routes away (CONDITION with then and else, API_CALL with both routes). */
  alwaysRoutesAway: boolean;
  hasHandoff: boolean;
  apiCalls: ApiCallFact[];
  writes: VariableWrite[];
}

/** Everything the scan learnt, for the analyses that need the whole flow. */
export interface FlowFacts {
  stateNames: ReadonlySet<string>;
  states: StateFacts[];
  start: string | null;
  globalRoutes: RouteRef[];
  initialVariables: string[];
  reads: VariableRead[];
  /** A template reads the whole variable map (`{{json variables}}`): every write counts as read. */
  readsEverything: boolean;
  /** Some API_CALL has `directives: true`: the backend may set variables and route anywhere. */
  usesDirectives: boolean;
}

export function emptyStateFacts(name: string, path: string, bucket: number): StateFacts {
  return {
    name,
    path,
    bucket,
    routes: [],
    end: false,
    hasTransitions: false,
    hasDefault: false,
    hasAlways: false,
    alwaysRoutesAway: false,
    hasHandoff: false,
    apiCalls: [],
    writes: [],
  };
}
