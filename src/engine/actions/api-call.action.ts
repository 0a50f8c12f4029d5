import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from '../normalise/is-record';
import type { ApiCallResult } from '../ports';
import type { ApiCallStatus } from '../runner/trace-event';
import type { EnginePorts } from '../runner/turn-types';
import { parsePath } from '../templates/read-path';
import {
  CONTINUE,
  type ActionHandler,
  type ActionOutcome,
  type ActionTurn,
} from './action-handler';
import { applyDirectives } from './api-call/apply-directives';
import { buildApiMeta, classifyApiResult } from './api-call/classify-api-result';
import {
  compileApiRequest,
  summariseRequest,
  type RequestSummary,
} from './api-call/compile-api-request';
import { pickApiRoute, type ApiRoutes } from './api-call/pick-api-route';

function target(
  definition: Record<string, unknown>,
  key: string,
  path: string,
): string | undefined {
  const value = definition[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new FlowCompileError('invalid_action', `"${key}" must be a state name`, `${path}.${key}`);
  return value;
}

/**
 * `API_CALL` (api-call.md). Renders the request, then either queues it (`fire_and_forget`:
 * no variable, no route) or awaits the HTTP port, saves `variables[save_to]` (the body) and
 * `variables[save_to + '_meta']`, applies response directives when asked, and routes:
 * `status_transitions` → success/failure transition → the state's default transition once
 * its actions are done → else the state waits.
 */
export const apiCallAction: ActionHandler = {
  type: 'API_CALL',
  compile(definition, path) {
    const render = compileApiRequest(definition, path);
    const saveTo =
      typeof definition.save_to === 'string' && definition.save_to !== ''
        ? definition.save_to
        : 'response';
    if (parsePath(saveTo) === null)
      throw new FlowCompileError(
        'invalid_action',
        `"${saveTo}" cannot be written`,
        `${path}.save_to`,
      );
    const status = new Map<string, string>();
    const targets: Array<{ state: string; path: string }> = [];
    if (definition.status_transitions !== undefined && definition.status_transitions !== null) {
      if (!isRecord(definition.status_transitions)) {
        throw new FlowCompileError(
          'invalid_action',
          '"status_transitions" must be an object',
          `${path}.status_transitions`,
        );
      }
      for (const key of Object.keys(definition.status_transitions)) {
        const to = target(definition.status_transitions, key, `${path}.status_transitions`);
        if (to !== undefined) {
          status.set(key.trim().toLowerCase(), to);
          targets.push({ state: to, path: `${path}.status_transitions.${key}` });
        }
      }
    }
    const routes: ApiRoutes = {
      status,
      success: target(definition, 'success_transition', path),
      failure: target(definition, 'failure_transition', path),
    };
    if (routes.success) targets.push({ state: routes.success, path: `${path}.success_transition` });
    if (routes.failure) targets.push({ state: routes.failure, path: `${path}.failure_transition` });
    const options = {
      saveTo,
      routes,
      render,
      fireAndForget: definition.fire_and_forget === true,
      directives: definition.directives === true,
      includeRaw: definition.include_raw === true,
    };
    return {
      type: 'API_CALL',
      targets,
      run: (turn, ports, index) => runApiCall(options, turn, ports, index),
    };
  },
};

interface ApiCallOptions {
  saveTo: string;
  routes: ApiRoutes;
  render: ReturnType<typeof compileApiRequest>;
  fireAndForget: boolean;
  directives: boolean;
  includeRaw: boolean;
}

async function runApiCall(
  options: ApiCallOptions,
  turn: ActionTurn,
  ports: EnginePorts,
  index: number,
): Promise<ActionOutcome> {
  const state = turn.state ?? '';
  const rendered = options.render(turn);
  const startedAt = ports.clock.now();

  if (!rendered.ok) {
    // Refused before sending: a header value would have contained CR/LF.
    const result: ApiCallResult = {
      status_code: 0,
      body: undefined,
      headers: {},
      duration_ms: 0,
      attempts: 0,
      error: `header "${rendered.header}" contains CR or LF`,
      error_code: 'invalid_header',
    };
    if (options.fireAndForget) {
      traceCall(turn, index, rendered.summary, 'exception', result, undefined);
      return CONTINUE;
    }
    return finish(
      options,
      turn,
      result,
      'exception',
      startedAt.toISOString(),
      index,
      rendered.summary,
    );
  }

  const request = rendered.request;
  const summary = summariseRequest(request);
  if (options.fireAndForget) {
    turn.deferredCalls.push(request);
    turn.record({ type: 'api_call', state, index, ...summary, status: 'deferred' });
    return CONTINUE;
  }

  let result: ApiCallResult;
  try {
    result = await ports.http.call(request, { deadline: ports.deadline });
  } catch (error) {
    // The port should not throw; if it does, the flow sees a network failure, not a crash.
    result = {
      status_code: 0,
      body: undefined,
      headers: {},
      duration_ms: Math.max(0, ports.clock.now().getTime() - startedAt.getTime()),
      attempts: 1,
      error: error instanceof Error ? error.message : String(error),
      error_code: 'network_error',
    };
  }
  const outcome = classifyApiResult(result);
  return finish(options, turn, result, outcome, startedAt.toISOString(), index, summary);
}

function finish(
  options: ApiCallOptions,
  turn: ActionTurn,
  answered: ApiCallResult,
  answeredStatus: ReturnType<typeof classifyApiResult>,
  timestamp: string,
  index: number,
  summary: RequestSummary,
): ActionOutcome {
  let result = answered;
  let status = answeredStatus;
  const saved = turn.setVariable(options.saveTo, result.body === undefined ? null : result.body);
  if (!saved && status === 'success') {
    // The body does not fit the session's variables (FLOW_LIMITS.maxVariablesChars): like a
    // response over max_response_bytes, it is never a success.
    result = {
      ...result,
      body: undefined,
      raw: undefined,
      error: 'the response does not fit in the session variables',
      error_code: 'response_too_large',
    };
    status = classifyApiResult(result);
  }
  const meta = buildApiMeta(result, status, timestamp, options.includeRaw);

  let next: string | undefined;
  let errorCode: string | undefined = result.error_code;
  if (options.directives && status === 'success' && isRecord(result.body)) {
    const directives = applyDirectives(turn, result.body);
    turn.record({
      type: 'action',
      state: turn.state ?? '',
      action: 'API_CALL',
      index,
      outcome: 'directives',
      detail: { applied: directives.applied, dropped: directives.dropped },
    });
    if (directives.nextState !== undefined) {
      if (turn.hasState(directives.nextState)) next = directives.nextState;
      else {
        errorCode = 'unknown_state';
        meta.error = 'unknown_state';
      }
    }
  }
  turn.setVariable(`${options.saveTo}_meta`, meta);
  const route = next ?? pickApiRoute(options.routes, result, status, errorCode);
  traceCall(turn, index, summary, status, result, route);
  return route === undefined ? { kind: 'continue_then_default' } : { kind: 'route', to: route };
}

function traceCall(
  turn: ActionTurn,
  index: number,
  summary: RequestSummary,
  status: ApiCallStatus,
  result: ApiCallResult,
  route: string | undefined,
): void {
  const error =
    status === 'success'
      ? undefined
      : (result.error_code ?? result.error ?? `HTTP ${result.status_code}`);
  turn.record({
    type: 'api_call',
    state: turn.state ?? '',
    index,
    ...summary,
    status,
    status_code: result.status_code,
    duration_ms: result.duration_ms,
    attempts: result.attempts,
    ...(error !== undefined ? { error } : {}),
    ...(route !== undefined ? { route } : {}),
    ...(result.trace !== undefined ? { detail: result.trace } : {}),
  });
}
