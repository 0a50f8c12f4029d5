import fc from 'fast-check';
import { compileFlow } from '../compile/compile-flow';
import type { CompiledFlow } from '../compile/compiled-flow';
import { FlowCompileError } from '../flow-compile-error';
import type { GenericMessage } from '../generic-message';
import type { ApiCallResult } from '../ports';
import { runTurn } from '../runner/run-turn';
import type { TurnResult } from '../runner/turn-types';
import { FakeHttp, TEST_CONTEXT, fakePorts, press, text } from '../testing/engine-test-kit';
import SEED_FILE from '../testing/seed-flows.json';
import { MAX_FLOW_BYTES, MAX_FLOW_DEPTH, measureJsonBytes } from './flow-limits';
import { measureDepth } from './measure-depth';
import { validateFlow } from './validate-flow';

/*
 * Property-based check that the validator and the engine agree (the defect this guards
 * against: flows that validated without errors, then failed to compile or run — a 500 on
 * every session — like `"fallback_message": "Oops {{#if}}"` or a SET_VARIABLES key
 * `"variables."`).
 *
 * Documents are the flow examples of our docs and spec plus the test fixtures
 * (src/engine/testing/seed-flows.json), mutated at random paths: values replaced, deleted or
 * inserted (template fragments, odd keys, out-of-range and huge numbers, nulls, arrays for
 * objects, unknown action types, deep nesting…), keys and states renamed, targets broken.
 *
 *  1. validateFlow reports no errors ⇒ compileFlow succeeds and a start turn (plus one reply)
 *     runs without an engine error: nothing thrown, no fallback for a state the compiled flow
 *     lacks, no template that fails to render for a reason other than the turn's data (a
 *     template that fails at every render is a validation gap too), a result that can be
 *     stored as JSON.
 *  2. compileFlow throws ⇒ it throws a FlowCompileError, and validateFlow reports at least one
 *     error, every error with a path into the document ("" only for the whole document).
 *  3. Every validation error of any mutated flow has such a path (the UI points at it).
 *
 * FC_SEED (default below) and FC_RUNS (default 2000) reproduce or widen a run:
 *   FC_SEED=123 FC_RUNS=20000 npm test -- validate-compile.property
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Segment = string | number;

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20260402;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 2000;

interface SeedFlow {
  name: string;
  source: string;
  flow: JsonObject;
}
const SEEDS = SEED_FILE as unknown as SeedFlow[];

// ---------------------------------------------------------------- values --------------------

/** Replaced by an existing state name (or a near miss) when the mutation is applied. */
const STATE_REF = '\u0001state-ref:';

const words = (text: string): string[] => text.split(' ');

const TEMPLATE_FRAGMENTS = [
  ...words('{{#if}} {{ }} {{#each~x}} {{/each}} {{/if}} {{/with}} {{else}} {{!--').map((w) =>
    w.replace('~', ' '),
  ),
  '{{#if x}}yes{{else}}no{{/if}}',
  '{{#if x as |y|}}{{y}}{{/if}}',
  '{{#if a b}}two{{/if}}',
  '{{#if x}}a{{else if}}b{{/if}}',
  '{{#each items}}{{name}}{{/each}}',
  '{{#each}}{{/each}}',
  '{{#each x as |item i|}}{{item}}{{i}}{{/each}}',
  '{{#with x}}{{y}}{{/with}}',
  '{{#with}}{{/with}}',
  '{{#unless x}}u{{/unless}}',
  '{{#if (gt cart.count 0)}}n{{/if}}',
  '{{if x}}',
  '{{each x}}',
  '{{> partial}}',
  '{{#> layout}}x{{/layout}}',
  '{{*decorator}}',
  '{{nothelper x}}',
  '{{upper}}',
  '{{upper x y}}',
  '{{number}}',
  '{{number "abc"}}',
  '{{number x "bad-LOCALE"}}',
  '{{date}}',
  '{{date x "YYYY"}}',
  '{{date "not a date"}}',
  '{{json}}',
  '{{json variables}}',
  '{{length}}',
  '{{length 5}}',
  '{{default}}',
  '{{default x "d"}}',
  '{{lookup}}',
  '{{lookup x}}',
  '{{lookup x 1}}',
  '{{lookup x "a" "b"}}',
  '{{eq}}',
  '{{and}}',
  '{{not}}',
  '{{(gt)}}',
  '{{#if (lookup x)}}l{{/if}}',
  '{{{x}}}',
  '{{{x}}',
  '{{x}}}',
  '{{!-- comment --}}',
  '{{! comment}}',
  '{{variables.}}',
  '{{variables.x}}',
  '{{variables}}',
  '{{x.[0]}}',
  '{{x[0]}}',
  '{{x[}}',
  '{{x[0}}',
  '{{x.[a b]}}',
  '{{a..b}}',
  '{{../x}}',
  '{{@root.x}}',
  '{{@index}}',
  '{{this}}',
  '{{.}}',
  '\\{{x}}',
  '{{~x~}}',
  '{{__proto__}}',
  '{{constructor.name}}',
  '{{x.constructor}}',
  '{{&x}}',
  '{{"str"}}',
  '{{1}}',
  '{{true}}',
  '{{null}}',
  '{{undefined}}',
  '{{x.length}}',
  '{{contact_name}}',
  '{{last_input}}',
  '{{ order.items[0].sku }}',
  '{{x "unterminated}}',
  '{{x (}}',
  '{{#if x}}',
];

const ODD_KEYS = [
  ...words(
    'variables. variables variables.x . .. .x x. a..b [0] x[0] x[ x] x[] x[0].y x.[y] x[""] ' +
      '__proto__ constructor prototype a.__proto__ x.constructor.y 0 -1 x-y $x ü {{x}} ' +
      'contact_name last_input user_id response response_meta order order.total default always ' +
      'start initial',
  ),
  '',
  ' ',
  'a b',
  'variables. ',
];

const KNOWN_FIELDS = words(
  'start settings variables global_transitions states name description version ' +
    'fallback_message max_auto_steps session_timeout_minutes max_input_retries ' +
    'message messages buttons list actions input transitions end initial type text id title ' +
    'button_text sections rows media_url media_id media_caption media_filename mime_type ' +
    'latitude longitude address to button keywords regex when always var op value all any not ' +
    'save_to pattern min max min_length max_length max_retries on_max_retries default_country ' +
    'error_message set if then else reason integration path url method query headers body ' +
    'body_type auto_body retry max_attempts initial_delay_ms max_delay_ms on timeout_ms ' +
    'fire_and_forget directives include_raw success_transition failure_transition ' +
    'status_transitions',
);

const NUMBERS: Json[] = [
  0,
  1,
  -1,
  2,
  3,
  4,
  11,
  20,
  21,
  25,
  26,
  100,
  101,
  599,
  600,
  0.5,
  -0.5,
  1.5,
  1e300,
  -1e300,
  1e21,
  1e-300,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  43200,
  43201,
  60000,
  -6.8161,
  39.2804,
  91,
  -181,
];

const NAN_LIKE = words('NaN Infinity -Infinity 1e999 0x10 5 3.0 true null').concat([' 5 ']);

const REGEXES = [
  ...words(
    '^\\d+$ ^[0-9]{6}$ ( ) [a- (a+)+$ \\ (?<n>x)\\k<n> \\p{L}+ (?=x)x (?<=x)y (a)\\1 a{2,1} * ' +
      '.* (?i)abc [[:alpha:]] a{99999} \\u{1F600} [\\d-z]',
  ),
  '',
];

const OPS = words('eq ne gt gte lt lte contains starts_with matches exists empty in bogus EQ');
const UNKNOWN_ACTION_TYPES = words('LLM_AGENT api_call send_message FOO constructor __proto__');
const INPUT_TYPE_NAMES = words('text number integer email phone date time choice any float TEXT');
const MESSAGE_TYPES = words('text buttons list image video audio document location sticker');
const METHODS = words('GET POST PUT PATCH DELETE HEAD OPTIONS get TRACE');
const STATUS_KEYS = words(
  '200 404 4xx 5xx 2XX 600 99 timeout network_error blocked_address response_too_large nope',
);
const NAMES = words('order order.status n x items cart.count name');

const stateRef = fc.nat(50).map((n) => `${STATE_REF}${n}`);

const templateString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...TEMPLATE_FRAGMENTS) },
      { weight: 3, arbitrary: fc.constantFrom('hi', ' ', '', 'x', 'Oops ', '\n', 'é', '{', '}') },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join(''));

const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: templateString },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...NAN_LIKE) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(null, true, false) },
  { weight: 2, arbitrary: stateRef },
  { weight: 1, arbitrary: fc.constantFrom(...REGEXES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const variableName = fc.oneof(fc.constantFrom(...ODD_KEYS), fc.constantFrom(...NAMES));
const oddDictionary = <T>(value: fc.Arbitrary<T>, maxKeys = 3) =>
  fc.dictionary(variableName, value, { maxKeys, minKeys: 1 });
const maybe = <T extends Record<string, unknown>>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(fields, { requiredKeys: [] });

/** Structured values shaped like parts of a flow, so that mutated flows often still validate. */
const { condition, message } = fc.letrec<{ condition: Json; message: Json }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    maybe({
      var: variableName,
      op: fc.constantFrom(...OPS),
      value: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
    }),
    fc.record({ all: fc.oneof(fc.array(tie('condition'), { maxLength: 3 }), scalar) }),
    fc.record({ any: fc.oneof(fc.array(tie('condition'), { maxLength: 3 }), scalar) }),
    fc.record({ not: fc.oneof(tie('condition'), scalar) }),
  ),
  message: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    templateString,
    maybe({
      type: fc.constantFrom(...MESSAGE_TYPES),
      text: templateString,
      buttons: fc.array(
        fc.oneof(
          maybe({ id: fc.constantFrom(...ODD_KEYS), title: templateString }),
          templateString,
        ),
        { maxLength: 4 },
      ),
      button_text: templateString,
      sections: fc.array(
        maybe({
          title: templateString,
          rows: fc.array(
            maybe({ id: fc.constantFrom(...ODD_KEYS), title: templateString, note: scalar }),
            { maxLength: 3 },
          ),
        }),
        { maxLength: 2 },
      ),
      media_url: fc.oneof(templateString, fc.constant('https://cdn.example.com/a.jpg')),
      media_id: templateString,
      latitude: fc.oneof(fc.constantFrom(...NUMBERS), templateString),
      longitude: fc.constantFrom(...NUMBERS),
      name: templateString,
      extra: scalar,
    }),
    fc.array(tie('message'), { maxLength: 3 }),
  ),
}));

const apiCall: fc.Arbitrary<Json> = fc
  .record({
    type: fc.constant('API_CALL'),
    target: fc.oneof(
      fc.record({
        integration: fc.constantFrom('my_backend', 'analytics', '', 'nope'),
        path: fc.oneof(
          templateString.map((t) => `/x/${t}`),
          fc.constant(''),
        ),
      }),
      fc.record({
        url: fc.oneof(
          templateString.map((t) => `https://api.example.com/${t}`),
          fc.constantFrom('ftp://x', 'https://', 'http://127.0.0.1/x'),
        ),
      }),
    ),
    options: maybe({
      method: fc.constantFrom(...METHODS),
      query: oddDictionary(scalar, 2),
      headers: fc.dictionary(
        fc.constantFrom('X-Tenant', 'X-Sarufi-User-Id', 'bad header', '', 'X-A'),
        scalar,
        { maxKeys: 2 },
      ),
      body: fc.oneof(scalar, oddDictionary(scalar, 2)),
      body_type: fc.constantFrom('json', 'form', 'multipart', 'text', 'none', 'xml'),
      save_to: variableName,
      success_transition: stateRef,
      failure_transition: stateRef,
      status_transitions: fc.dictionary(fc.constantFrom(...STATUS_KEYS), stateRef, {
        maxKeys: 3,
      }),
      fire_and_forget: fc.oneof(fc.boolean(), scalar),
      directives: fc.oneof(fc.boolean(), scalar),
      include_raw: fc.boolean(),
      timeout_ms: fc.constantFrom(...NUMBERS),
      retry: maybe({
        max_attempts: fc.constantFrom(...NUMBERS),
        initial_delay_ms: fc.constantFrom(...NUMBERS),
        max_delay_ms: fc.constantFrom(...NUMBERS),
        on: fc.array(fc.constantFrom('timeout', '5xx', '429', 'x'), { maxLength: 3 }),
      }),
    }),
  })
  .map(({ type, target, options }) => ({ type, ...target, ...options }));

const action: fc.Arbitrary<Json> = fc.oneof(
  fc.record({
    type: fc.constant('SET_VARIABLES'),
    set: oddDictionary(fc.oneof(scalar, condition)),
  }),
  fc.record({ type: fc.constant('SEND_MESSAGE'), message }),
  fc
    .record({ type: fc.constant('CONDITION'), if: condition })
    .chain((base) =>
      maybe({ then: stateRef, else: stateRef }).map((routes) => ({ ...base, ...routes })),
    ),
  fc.record({ type: fc.constant('HANDOFF'), reason: templateString }, { requiredKeys: ['type'] }),
  apiCall,
  fc.record({ type: fc.constantFrom(...UNKNOWN_ACTION_TYPES), message: templateString }),
);

const shaped: fc.Arbitrary<Json> = fc.oneof(
  action,
  // a transition rule
  maybe({
    to: stateRef,
    button: fc.oneof(stateRef, fc.constantFrom(...ODD_KEYS)),
    keywords: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar),
    regex: fc.constantFrom(...REGEXES),
    when: condition,
    always: fc.oneof(fc.boolean(), scalar),
  }),
  // an input
  maybe({
    type: fc.constantFrom(...INPUT_TYPE_NAMES),
    save_to: variableName,
    pattern: fc.constantFrom(...REGEXES),
    min: scalar,
    max: scalar,
    min_length: fc.constantFrom(...NUMBERS),
    max_length: fc.constantFrom(...NUMBERS),
    max_retries: fc.constantFrom(...NUMBERS),
    on_max_retries: stateRef,
    default_country: fc.constantFrom('TZ', 'tz', 'XX', 'TZA', ''),
    error_message: templateString,
  }),
  message,
  condition,
  // a small state
  maybe({
    message,
    transitions: fc.oneof(
      fc.dictionary(fc.constantFrom(...ODD_KEYS), stateRef, { maxKeys: 3 }),
      fc.array(fc.record({ to: stateRef }), { maxLength: 2 }),
    ),
    actions: fc.array(action, { maxLength: 2 }),
    end: fc.oneof(fc.boolean(), scalar),
  }),
);

/** Nested deeper than the validator's limit (or just under it). */
const deepValue: fc.Arbitrary<Json> = fc
  .record({ depth: fc.integer({ min: 55, max: 70 }), asArray: fc.boolean() })
  .map(({ depth, asArray }) => {
    let value: Json = 'deep';
    for (let i = 0; i < depth; i++) value = asArray ? [value] : { x: value };
    return value;
  });

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 6, arbitrary: shaped },
  { weight: 1, arbitrary: fc.constantFrom<Json>([], {}, [null], { '': null }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: deepValue },
);

const anyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_FIELDS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: stateRef },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

// ---------------------------------------------------------------- mutations -----------------

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; key: string; value: Json }
  | { kind: 'rename_key'; at: number; key: string }
  | { kind: 'rename_state'; at: number; name: string; updateReferences: boolean }
  | { kind: 'retarget'; at: number; target: string }
  | { kind: 'reshape'; at: number; how: 'wrap_array' | 'wrap_object' | 'unwrap' | 'to_list' }
  | { kind: 'template'; at: number; key: string; template: string }
  | { kind: 'variable_path'; at: number; path: string };

const at = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace'), at, value: anyValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete'), at }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('insert'), at, key: anyKey, value: anyValue }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rename_key'), at, key: anyKey }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rename_state'),
      at,
      name: fc.oneof(fc.constantFrom(...ODD_KEYS), stateRef, fc.string({ maxLength: 6 })),
      updateReferences: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retarget'),
      at,
      target: fc.oneof(stateRef, fc.constantFrom(...ODD_KEYS)),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('template'),
      at,
      key: anyKey,
      template: templateString,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('variable_path'), at, path: variableName }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reshape'),
      at,
      how: fc.constantFrom('wrap_array', 'wrap_object', 'unwrap', 'to_list'),
    }),
  },
);

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every location in the document (the root is []), depth first, in key order. */
function locations(doc: Json): Segment[][] {
  const out: Segment[][] = [];
  const walk = (value: Json, path: Segment[]): void => {
    out.push(path);
    if (path.length > 12) return;
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (isObject(value))
      for (const key of Object.keys(value)) walk(value[key], [...path, key]);
  };
  walk(doc, []);
  return out;
}

function getAt(doc: Json, path: Segment[]): Json | undefined {
  let value: Json | undefined = doc;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
    else if (isObject(value) && typeof segment === 'string' && Object.hasOwn(value, segment))
      value = value[segment];
    else return undefined;
  }
  return value;
}

/** Sets an own key, even `__proto__`, as JSON.parse would. */
function defineKey(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Replaces the value at `path` (not the root). */
function setAt(doc: Json, path: Segment[], value: Json): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isObject(parent) && typeof last === 'string') defineKey(parent, last, value);
}

function deleteAt(doc: Json, path: Segment[]): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObject(parent) && typeof last === 'string') delete parent[last];
}

/** Renames a key in place, keeping the key order (a key already called `to` is replaced). */
function renameKey(target: JsonObject, from: string, to: string): void {
  const entries = Object.entries(target);
  for (const key of Object.keys(target)) delete target[key];
  for (const [key, value] of entries) {
    if (key === to && key !== from) continue;
    defineKey(target, key === from ? to : key, value);
  }
}

function stateNames(doc: JsonObject): string[] {
  const states = doc.states;
  if (Array.isArray(states))
    return states.flatMap((s) => (isObject(s) && typeof s.name === 'string' ? [s.name] : []));
  return isObject(states) ? Object.keys(states) : [];
}

/** `STATE_REF` markers become existing state names (mostly), near misses or unknown names. */
function resolveRefs(value: Json, names: string[]): Json {
  if (typeof value === 'string') {
    if (!value.startsWith(STATE_REF)) return value;
    const n = Number(value.slice(STATE_REF.length));
    if (names.length > 0 && n % 5 !== 4) return names[n % names.length];
    return n % 2 === 0 ? `missing_${n}` : `${names[0] ?? 'x'}_`;
  }
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, names));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value))
      defineKey(out, resolveRefs(key, names) as string, resolveRefs(item, names));
    return out;
  }
  return value;
}

/** Every string equal to `from` becomes `to` (a state renamed together with its references). */
function replaceStrings(value: Json, from: string, to: string): Json {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaceStrings(item, from, to));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value))
      defineKey(out, key, replaceStrings(item, from, to));
    return out;
  }
  return value;
}

function applyMutation(doc: JsonObject, m: Mutation): JsonObject {
  const names = stateNames(doc);
  const all = locations(doc);
  const nonRoot = all.slice(1);
  const pick = <T>(list: T[]): T | undefined =>
    list.length === 0 ? undefined : list[m.at % list.length];
  switch (m.kind) {
    case 'replace': {
      const path = pick(nonRoot);
      if (path) setAt(doc, path, resolveRefs(m.value, names));
      return doc;
    }
    case 'delete': {
      const path = pick(nonRoot);
      if (path) deleteAt(doc, path);
      return doc;
    }
    case 'insert': {
      const containers = all.filter((p) => typeof getAt(doc, p) === 'object');
      const target = getAt(doc, pick(containers) ?? []);
      const value = resolveRefs(m.value, names);
      if (Array.isArray(target)) target.splice(m.at % (target.length + 1), 0, value);
      else if (isObject(target)) defineKey(target, resolveRefs(m.key, names) as string, value);
      return doc;
    }
    case 'rename_key': {
      const path = pick(nonRoot.filter((p) => typeof p[p.length - 1] === 'string'));
      const parent = path && getAt(doc, path.slice(0, -1));
      if (path && isObject(parent))
        renameKey(parent, path[path.length - 1] as string, resolveRefs(m.key, names) as string);
      return doc;
    }
    case 'rename_state': {
      const from = pick(names);
      if (from === undefined) return doc;
      const to = resolveRefs(m.name, names) as string;
      const renamed = m.updateReferences ? (replaceStrings(doc, from, to) as JsonObject) : doc;
      if (Array.isArray(renamed.states)) {
        for (const s of renamed.states) if (isObject(s) && s.name === from) s.name = to;
      } else if (isObject(renamed.states)) renameKey(renamed.states, from, to);
      return renamed;
    }
    case 'retarget': {
      const path = pick(nonRoot.filter((p) => typeof getAt(doc, p) === 'string'));
      if (path) setAt(doc, path, resolveRefs(m.target, names));
      return doc;
    }
    case 'template': {
      // Any string may be rendered as a template: put one in a string, or in a new field.
      const path = pick(all.filter((p) => ['string', 'object'].includes(typeof getAt(doc, p))));
      const target = path && getAt(doc, path);
      if (typeof target === 'string') setAt(doc, path!, m.template);
      else if (isObject(target)) defineKey(target, m.key, m.template);
      else if (Array.isArray(target)) target.push(m.template);
      return doc;
    }
    case 'variable_path': {
      // Where a variable path is written: a SET_VARIABLES key, `save_to`, a condition `var`.
      const path = pick(
        nonRoot.filter(
          (p) =>
            ['set', 'save_to', 'var'].includes(String(p[p.length - 2] ?? '')) ||
            ['save_to', 'var'].includes(String(p[p.length - 1])),
        ),
      );
      if (!path) return doc;
      const parent = getAt(doc, path.slice(0, -1));
      if (path[path.length - 2] === 'set' && isObject(parent))
        renameKey(parent, path[path.length - 1] as string, m.path);
      else setAt(doc, path, m.path);
      return doc;
    }
    case 'reshape': {
      const path = pick(nonRoot);
      if (!path) return doc;
      const value = getAt(doc, path) as Json;
      let next: Json = value;
      if (m.how === 'wrap_array') next = [value];
      else if (m.how === 'wrap_object') next = { to: value };
      else if (m.how === 'unwrap' && Array.isArray(value)) next = value[0] ?? null;
      else if (m.how === 'unwrap' && isObject(value)) next = Object.values(value)[0] ?? null;
      else if (m.how === 'to_list' && isObject(value))
        next = Object.entries(value).map(([name, item]) =>
          isObject(item) ? { name, ...item } : item,
        );
      setAt(doc, path, next);
      return doc;
    }
  }
}

interface Case {
  seed: string;
  flow: JsonObject;
}

const mutatedFlow: fc.Arbitrary<Case> = fc
  .record({
    seed: fc.constantFrom(...SEEDS),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  })
  .map(({ seed, mutations }) => {
    let doc = structuredClone(seed.flow);
    for (const m of mutations) doc = applyMutation(doc, m);
    // Only what a JSON request body can carry (no -0, no undefined).
    return { seed: seed.name, flow: JSON.parse(JSON.stringify(doc)) as JsonObject };
  });

// ---------------------------------------------------------------- the engine side ----------

const replyArb = fc.record({
  status: fc.constantFrom(200, 201, 204, 404, 429, 500, 503),
  error: fc.constantFrom(undefined, 'timeout', 'network_error', 'blocked_address'),
  body: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record(
      {
        next_state: fc.oneof(stateRef, fc.constantFrom(...ODD_KEYS)),
        // Well-formed messages only: checking what a backend sends is not this test's business.
        messages: fc.array(
          fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 10 }) }),
          { maxLength: 2 },
        ),
        variables: fc.dictionary(fc.constantFrom(...ODD_KEYS), scalar, { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    ),
  ),
  message: fc.oneof(
    fc.constantFrom('menu', '', '123456', 'yes', '42', '2026-12-25', '+255712345678', 'x@y.z'),
    templateString,
  ),
  pressFirstButton: fc.boolean(),
});
type Reply = typeof replyArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Template errors that depend on the data of the turn, not on the flow: the turn's render
 * budget and the cut of an over-long output (both documented limits).
 */
const DATA_DEPENDENT_TEMPLATE_ERROR =
  /rendering budget of this turn exceeded|^output of \d+ characters cut/;

/**
 * What the runner reports as a failure of the engine or of a flow it accepted (not of the
 * backend): a throw is caught by the caller; here a fallback for a state the compiled flow
 * lacks, a template that failed to render for a reason that is not in the data, or a result
 * the conversation layer could not store.
 */
function engineProblems(result: TurnResult): string[] {
  const problems: string[] = [];
  for (const event of result.trace) {
    if (event.type === 'fallback' && event.reason === 'unknown_state')
      problems.push(`the turn reached a state that is not in the compiled flow: ${show(event)}`);
    if (event.type === 'template_error' && !DATA_DEPENDENT_TEMPLATE_ERROR.test(event.error))
      problems.push(`a template failed to render: ${show(event)}`);
  }
  for (const message of result.messages) {
    if (typeof message?.type !== 'string')
      problems.push(`a message without type: ${show(message)}`);
    else if ('text' in message && typeof message.text !== 'string')
      problems.push(`a message whose text is not a string: ${show(message)}`);
  }
  try {
    JSON.stringify({ session: result.session, messages: result.messages, trace: result.trace });
  } catch (error) {
    problems.push(`the turn result cannot be saved as JSON: ${String(error)}`);
  }
  return problems;
}

function firstButtonId(result: TurnResult): string | undefined {
  for (const message of result.messages) {
    if (message.type === 'buttons' && message.buttons?.[0]) return message.buttons[0].id;
    if (message.type === 'list' && message.sections?.[0]?.rows?.[0])
      return message.sections[0].rows[0].id;
  }
  return undefined;
}

async function runStartAndReply(flow: CompiledFlow, reply: Reply): Promise<string[]> {
  const names = [...flow.states.keys()];
  const http = new FakeHttp((): Partial<ApiCallResult> => ({
    status_code: reply.error ? 0 : reply.status,
    body: resolveRefs(reply.body as Json, names),
    ...(reply.error ? { error_code: reply.error, error: reply.error } : {}),
  }));
  const ports = fakePorts(http);
  const problems: string[] = [];
  const start = await runTurn(flow, null, { kind: 'start', context: TEST_CONTEXT }, ports);
  problems.push(...engineProblems(start));
  if (start.session.status !== 'active') return problems;
  const buttonId = reply.pressFirstButton ? firstButtonId(start) : undefined;
  const message: GenericMessage = buttonId ? press(buttonId) : text(reply.message);
  const next = await runTurn(
    flow,
    start.session,
    { kind: 'message', message, context: TEST_CONTEXT },
    ports,
  );
  problems.push(...engineProblems(next).map((p) => `on the reply: ${p}`));
  return problems;
}

// ---------------------------------------------------------------- paths --------------------

/** Reads a validator path (`states.a.transitions[2].to`, `states["my state"]`) into segments. */
function parseIssuePath(path: string): Segment[] | null {
  const segments: Segment[] = [];
  let rest = path;
  let first = true;
  while (rest !== '') {
    let match: RegExpExecArray | null;
    if ((match = /^\[(\d+)\]/.exec(rest))) segments.push(Number(match[1]));
    else if ((match = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest)))
      segments.push(JSON.parse(match[1]) as string);
    else if ((match = (first ? /^([A-Za-z0-9_$-]+)/ : /^\.([A-Za-z0-9_$-]+)/).exec(rest)))
      segments.push(match[1]);
    else return null;
    rest = rest.slice(match[0].length);
    first = false;
  }
  return segments;
}

/** Every issue path is well formed and leads into the document; "" only for the whole document. */
function badPaths(flow: JsonObject, errors: Array<{ path: string }>): string[] {
  const wholeDocumentProblem =
    measureDepth(flow) > MAX_FLOW_DEPTH || measureJsonBytes(flow) > MAX_FLOW_BYTES;
  const bad: string[] = [];
  for (const { path } of errors) {
    if (typeof path !== 'string') bad.push(`${show(path)}: not a string`);
    else if (path === '') {
      if (!wholeDocumentProblem) bad.push('"": the root path, for a problem inside the document');
    } else {
      const segments = parseIssuePath(path);
      if (segments === null) bad.push(`${show(path)}: not in the validator's path syntax`);
      else if (getAt(flow, segments.slice(0, -1)) === undefined)
        bad.push(`${show(path)}: leads nowhere in the document`);
    }
  }
  return bad;
}

function show(value: unknown): string {
  const out = JSON.stringify(value);
  return out === undefined ? String(value) : out.length > 300 ? `${out.slice(0, 297)}...` : out;
}

// ---------------------------------------------------------------- properties ---------------

describe('validateFlow and the engine agree (property-based, seeded)', () => {
  const options = { seed: SEED, numRuns: RUNS };

  it('starts from seed documents that validate (but two docs fragments without a start)', () => {
    const invalid = SEEDS.filter((s) => validateFlow(s.flow).errors.length > 0);
    expect(invalid.map((s) => s.name)).toEqual(['docs-states-map', 'docs-states-list']);
  });

  it('property 1: a flow without validation errors compiles and runs a start turn and a reply', async () => {
    let validated = 0;
    await fc.assert(
      fc.asyncProperty(mutatedFlow, replyArb, async ({ flow }, reply) => {
        const { errors } = validateFlow(flow);
        if (errors.length > 0) return;
        validated++;
        let compiled: CompiledFlow;
        try {
          compiled = compileFlow(flow);
        } catch (error) {
          throw new Error(`validated without errors, then compileFlow threw: ${String(error)}`, {
            cause: error,
          });
        }
        let problems: string[];
        try {
          problems = await runStartAndReply(compiled, reply);
        } catch (error) {
          throw new Error(
            `validated without errors, then the turn threw: ${(error as Error)?.stack ?? String(error)}`,
            { cause: error },
          );
        }
        if (problems.length > 0)
          throw new Error(`validated without errors, then: ${problems.join('; ')}`);
      }),
      options,
    );
    // The generator must keep producing valid flows, or property 1 tests nothing.
    if (RUNS >= 200) expect(validated).toBeGreaterThan(RUNS * 0.15);
  });

  it('property 2: a flow compileFlow rejects gets validation errors, each with a path into it', () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutatedFlow, ({ flow }) => {
        let compileError: unknown;
        try {
          compileFlow(flow);
          return;
        } catch (error) {
          compileError = error;
        }
        rejected++;
        if (!(compileError instanceof FlowCompileError))
          throw new Error(
            `compileFlow threw something else than a FlowCompileError: ${String(compileError)}`,
          );
        const { errors } = validateFlow(flow);
        if (errors.length === 0)
          throw new Error(
            `compileFlow threw "${compileError.message}", the validator found no error`,
          );
        const bad = badPaths(flow, errors);
        if (bad.length > 0)
          throw new Error(`error paths that do not point into the flow: ${bad.join('; ')}`);
      }),
      options,
    );
    if (RUNS >= 200) expect(rejected).toBeGreaterThan(RUNS * 0.15);
  });

  it('property 3: every validation error of a mutated flow has a path into the document', () => {
    fc.assert(
      fc.property(mutatedFlow, ({ flow }) => {
        const bad = badPaths(flow, validateFlow(flow).errors);
        if (bad.length > 0)
          throw new Error(`error paths that do not point into the flow: ${bad.join('; ')}`);
      }),
      options,
    );
  });
});
