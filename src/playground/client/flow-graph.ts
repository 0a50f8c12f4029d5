import { childPath } from '../../engine/validator/json-path';

/**
 * The flow map's model: a flow definition as nodes (its states) and edges (every way from
 * one state to another). It reads the document the way the engine does (docs/flows.md) but
 * never throws: the author is in the middle of typing, so whatever can be drawn is drawn, and
 * a target that names no state becomes a "missing" node the map shows in red.
 */

export type NodeKind =
  /** A state of the flow. */
  | 'state'
  /** A name used as a target that is not a state (a validation error). */
  | 'missing'
  /** "Any state": where the global transitions start from. */
  | 'global';

export interface FlowNode {
  /** Unique among nodes: `state:<name>`, `missing:<name>` or `global`. */
  id: string;
  kind: NodeKind;
  name: string;
  /** Where the state is written (`states.menu`, `states[2]`), to jump to it; null for the others. */
  path: string | null;
  start: boolean;
  end: boolean;
  /** Not reachable from the start state (false when that cannot be known). */
  unreachable: boolean;
  /** The first words of the state's message. */
  summary: string;
  /** Short notes: `input`, `API`, `3 buttons`, `handoff`, … */
  badges: string[];
}

export type EdgeKind =
  /** A rule of the state's `transitions`. */
  | 'transition'
  /** A rule of `global_transitions` (from the "any state" node). */
  | 'global'
  /** A CONDITION action's `then` / `else`. */
  | 'condition'
  /** An API_CALL route taken on success (2xx). */
  | 'api_success'
  /** An API_CALL route taken on failure (4xx, 5xx, timeout, network…). */
  | 'api_failure'
  /** `input.on_max_retries`. */
  | 'max_retries';

export interface FlowEdge {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
  /** Where the target is written, to jump to it. */
  path: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** The start state's name, when it can be resolved. */
  start: string | null;
  /**
   * False when unreachable states cannot be told: no start, or an API_CALL with
   * `directives` (the backend may then send the user to any state).
   */
  reachabilityKnown: boolean;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const GLOBAL_ID = 'global';
const stateId = (name: string) => `state:${name}`;
const missingId = (name: string) => `missing:${name}`;

const MAX_LABEL = 36;
const MAX_SUMMARY = 40;

interface StateEntry {
  name: string;
  path: string;
  body: Json;
}

/** Builds the map model of a flow definition (any value: a non-flow gives an empty map). */
export function buildFlowGraph(definition: unknown): FlowGraph {
  if (!isRecord(definition)) return { nodes: [], edges: [], start: null, reachabilityKnown: false };
  const states = readStates(definition.states);
  const names = new Set(states.map((s) => s.name));
  const start = resolveStart(definition.start, states, names);
  const edges: FlowEdge[] = [];
  const missing = new Set<string>();
  let directives = false;

  const addEdge = (from: string, target: unknown, kind: EdgeKind, label: string, path: string) => {
    const to = targetName(target);
    if (to === null) return;
    const toId = names.has(to) ? stateId(to) : missingId(to);
    if (!names.has(to)) missing.add(to);
    edges.push({
      id: `e${edges.length}`,
      from,
      to: toId,
      kind,
      label: clip(label, MAX_LABEL),
      path,
    });
  };

  const globalRules = readRules(definition.global_transitions, 'global_transitions', null);
  for (const rule of globalRules) addEdge(GLOBAL_ID, rule.target, 'global', rule.label, rule.path);

  for (const state of states) {
    const from = stateId(state.name);
    const { body, path } = state;
    const input = isRecord(body.input) ? body.input : null;
    for (const rule of readRules(body.transitions, childPath(path, 'transitions'), input))
      addEdge(from, rule.target, 'transition', rule.label, rule.path);
    if (input && input.on_max_retries !== undefined)
      addEdge(
        from,
        input.on_max_retries,
        'max_retries',
        'max retries',
        childPath(childPath(path, 'input'), 'on_max_retries'),
      );
    const actionsPath = childPath(path, 'actions');
    const actions = Array.isArray(body.actions)
      ? (body.actions as unknown[]).map((a, i) => ({ action: a, path: childPath(actionsPath, i) }))
      : isRecord(body.actions)
        ? [{ action: body.actions, path: actionsPath }]
        : [];
    for (const { action, path: at } of actions) {
      if (!isRecord(action)) continue;
      if (action.type === 'CONDITION') {
        const cond = describeCondition(action.if);
        addEdge(
          from,
          action.then,
          'condition',
          cond ? `if ${cond}` : 'then',
          childPath(at, 'then'),
        );
        addEdge(from, action.else, 'condition', 'else', childPath(at, 'else'));
      } else if (action.type === 'API_CALL') {
        // Fire-and-forget calls take no route (nor directives): the engine ignores them.
        if (action.fire_and_forget === true) continue;
        if (action.directives === true) directives = true;
        if (isRecord(action.status_transitions)) {
          const statusPath = childPath(at, 'status_transitions');
          for (const [key, target] of Object.entries(action.status_transitions))
            addEdge(
              from,
              target,
              /^2(\d\d|xx)$/.test(key) ? 'api_success' : 'api_failure',
              key,
              childPath(statusPath, key),
            );
        }
        addEdge(
          from,
          action.success_transition,
          'api_success',
          'success',
          childPath(at, 'success_transition'),
        );
        addEdge(
          from,
          action.failure_transition,
          'api_failure',
          'failure',
          childPath(at, 'failure_transition'),
        );
      }
    }
  }

  const reachabilityKnown = start !== null && !directives;
  const reachable = reachabilityKnown ? reachableStates(start, edges, names) : null;
  const nodes: FlowNode[] = [];
  if (globalRules.length > 0)
    nodes.push({
      id: GLOBAL_ID,
      kind: 'global',
      name: 'any state',
      path: 'global_transitions',
      start: false,
      end: false,
      unreachable: false,
      summary: 'global transitions',
      badges: [],
    });
  for (const state of states) {
    nodes.push({
      id: stateId(state.name),
      kind: 'state',
      name: state.name,
      path: state.path,
      start: state.name === start,
      end: state.body.end === true,
      unreachable: reachable !== null && !reachable.has(state.name),
      summary: clip(summaryOf(state.body.message ?? state.body.messages), MAX_SUMMARY),
      badges: badgesOf(state.body),
    });
  }
  for (const name of missing)
    nodes.push({
      id: missingId(name),
      kind: 'missing',
      name,
      path: null,
      start: false,
      end: false,
      unreachable: false,
      summary: 'not a state',
      badges: [],
    });
  return { nodes, edges, start, reachabilityKnown };
}

/** Both shapes of `states`; list entries without a usable name are left out (the validator reports them). */
function readStates(raw: unknown): StateEntry[] {
  const out: StateEntry[] = [];
  if (Array.isArray(raw)) {
    const seen = new Set<string>();
    raw.forEach((body, i) => {
      if (
        !isRecord(body) ||
        typeof body.name !== 'string' ||
        body.name === '' ||
        seen.has(body.name)
      )
        return;
      seen.add(body.name);
      out.push({ name: body.name, path: childPath('states', i), body });
    });
  } else if (isRecord(raw)) {
    for (const [name, body] of Object.entries(raw))
      out.push({ name, path: childPath('states', name), body: isRecord(body) ? body : {} });
  }
  return out;
}

/** `start` when it names a state, else the one state named `start` or marked `initial`. */
function resolveStart(raw: unknown, states: StateEntry[], names: Set<string>): string | null {
  if (raw !== undefined) return typeof raw === 'string' && names.has(raw) ? raw : null;
  const candidates = states.filter((s) => s.name === 'start' || s.body.initial === true);
  return candidates.length === 1 ? candidates[0].name : null;
}

interface Rule {
  target: unknown;
  label: string;
  path: string;
}

/** Both spellings of transitions as rules with a label saying when each applies. */
function readRules(raw: unknown, path: string, input: Json | null): Rule[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((rule, i): Rule[] => {
      if (!isRecord(rule)) return [];
      const at = childPath(path, i);
      return [{ target: rule.to, label: ruleLabel(rule, input), path: childPath(at, 'to') }];
    });
  }
  if (!isRecord(raw)) return [];
  return Object.entries(raw).map(([key, target]) => ({
    target,
    label: key === 'default' ? defaultLabel(input) : key,
    path: childPath(path, key),
  }));
}

function ruleLabel(rule: Json, input: Json | null): string {
  const parts: string[] = [];
  if (typeof rule.button === 'string') parts.push(rule.button);
  const keywords = typeof rule.keywords === 'string' ? [rule.keywords] : rule.keywords;
  if (Array.isArray(keywords) && keywords.length > 0)
    parts.push(keywords.map((k) => JSON.stringify(String(k))).join(' / '));
  if (typeof rule.regex === 'string') parts.push(`/${rule.regex}/`);
  if (rule.when !== undefined) parts.push(`if ${describeCondition(rule.when) || '…'}`);
  if (rule.always === true) return ['always', ...parts].join(' ');
  return parts.length > 0 ? parts.join(' & ') : defaultLabel(input);
}

/** A default rule on a state that reads input is where the accepted reply goes. */
function defaultLabel(input: Json | null): string {
  if (!input) return 'default';
  return typeof input.save_to === 'string' ? `input → ${input.save_to}` : 'input';
}

/** A `when` condition in a few words: `order.status eq "shipped"`, `all(a, b)`, `not x`. */
export function describeCondition(cond: unknown): string {
  if (!isRecord(cond)) return '';
  if (Array.isArray(cond.all)) return `all(${cond.all.map(describeCondition).join(', ')})`;
  if (Array.isArray(cond.any)) return `any(${cond.any.map(describeCondition).join(', ')})`;
  if (cond.not !== undefined) return `not ${describeCondition(cond.not)}`;
  const name = typeof cond.var === 'string' ? cond.var : '?';
  const op = typeof cond.op === 'string' ? cond.op : 'eq';
  if (op === 'exists' || op === 'empty')
    return cond.value === false ? `${name} not ${op}` : `${name} ${op}`;
  return `${name} ${op} ${JSON.stringify(cond.value) ?? ''}`.trim();
}

/** A map value (`"menu"` or `{"to": "menu"}`) or a rule's `to`, when it is a name. */
function targetName(target: unknown): string | null {
  if (typeof target === 'string') return target === '' ? null : target;
  if (isRecord(target) && typeof target.to === 'string' && target.to !== '') return target.to;
  return null;
}

/** States reachable from `start`: along the edges, global targets counting from every state. */
function reachableStates(start: string, edges: FlowEdge[], names: Set<string>): Set<string> {
  const next = new Map<string, string[]>();
  const globalTargets: string[] = [];
  for (const edge of edges) {
    if (!edge.to.startsWith('state:')) continue;
    const to = edge.to.slice('state:'.length);
    if (edge.from === GLOBAL_ID) globalTargets.push(to);
    else {
      const from = edge.from.slice('state:'.length);
      next.set(from, [...(next.get(from) ?? []), to]);
    }
  }
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const to of [...(next.get(name) ?? []), ...globalTargets]) {
      if (names.has(to) && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

/** The first text of a message in any accepted spelling (string, list, object). */
function summaryOf(message: unknown): string {
  if (typeof message === 'string') return oneLine(message);
  if (Array.isArray(message)) {
    for (const item of message) {
      const text = summaryOf(item);
      if (text !== '') return text;
    }
    return '';
  }
  if (isRecord(message)) {
    for (const key of ['text', 'media_caption', 'name']) {
      if (typeof message[key] === 'string') return oneLine(message[key]);
    }
    return typeof message.type === 'string' ? `[${message.type}]` : '';
  }
  return '';
}

function badgesOf(body: Json): string[] {
  const badges: string[] = [];
  const buttons = Array.isArray(body.buttons) ? body.buttons.length : 0;
  if (buttons > 0) badges.push(`${buttons} button${buttons === 1 ? '' : 's'}`);
  if (isRecord(body.list) && Array.isArray(body.list.sections)) {
    const rows = body.list.sections.reduce<number>(
      (n, s) => n + (isRecord(s) && Array.isArray(s.rows) ? s.rows.length : 0),
      0,
    );
    badges.push(`list ${rows}`);
  }
  if (isRecord(body.input))
    badges.push(typeof body.input.type === 'string' ? `input ${body.input.type}` : 'input');
  const actions = Array.isArray(body.actions)
    ? body.actions
    : isRecord(body.actions)
      ? [body.actions]
      : [];
  for (const action of actions) {
    if (!isRecord(action) || typeof action.type !== 'string') continue;
    const badge = ACTION_BADGES[action.type] ?? action.type.toLowerCase();
    if (!badges.includes(badge)) badges.push(badge);
  }
  return badges;
}

const ACTION_BADGES: Readonly<Record<string, string>> = {
  API_CALL: 'API',
  SEND_MESSAGE: 'send',
  SET_VARIABLES: 'set',
  CONDITION: 'if',
  HANDOFF: 'handoff',
};

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Shortened to `max` code points with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
