import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compileFlow, runTurn } from '../src/engine';
import type { CompiledFlow } from '../src/engine';
import { FakeHttp, fakePorts, TEST_CONTEXT } from '../src/engine/testing/engine-test-kit';
import { asList, fullFlow, inputsFlow } from '../src/engine/testing/flow-fixtures';
import { validateFlow } from '../src/engine/validator';

/**
 * One parse: whatever the validator accepts, the engine compiles and runs; whatever the
 * engine cannot compile, the validator refuses with a path. Checked on mutations of every
 * flow example in the docs. `FC_SEED` replays a run; `FC_RUNS` sets how many documents.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

const ROOT = join(__dirname, '..');

/** The JSON examples in the docs that are whole flows (objects with `states`). */
function docExamples(): Json[] {
  const found: Json[] = [];
  for (const file of ['docs/flows.md', 'README.md']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const block of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      try {
        const value = JSON.parse(block[1]) as Json;
        if (value && typeof value === 'object' && !Array.isArray(value) && 'states' in value)
          found.push(value);
      } catch {
        // A fragment, not a document.
      }
    }
  }
  return found;
}

/** The docs' examples valid as written (some show a mistake on purpose), and the fixtures. */
const seeds = (): Json[] =>
  [...docExamples(), fullFlow(), asList(fullFlow()), inputsFlow()].filter(
    (doc) => validateFlow(doc, { integrationNames: integrationNames(doc) }).errors.length === 0,
  );

/** Every path to a value in a document, the root included. */
function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function parentOf(doc: Json, path: Path): Json | undefined {
  let node: Json | undefined = doc;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[step];
  }
  return node;
}

const FIELDS = [
  'message',
  'messages',
  'buttons',
  'list',
  'input',
  'transitions',
  'actions',
  'end',
  'type',
  'key',
  'value',
  'to',
  'when',
  'var',
  'op',
  'url',
  'integration',
  'path',
  'method',
  'body',
  'body_type',
  'retry',
  'max_attempts',
  'initial_delay_ms',
  'settings',
  'fallback_message',
  'max_auto_steps',
  'session_timeout_minutes',
  'save_to',
  'pattern',
  'regex',
  'keywords',
  'button',
  'variables',
  'start',
  'states',
  'then',
  'else',
  'success_transition',
  'failure_transition',
  'status_transitions',
  'fire_and_forget',
  'directives',
  'timeout_ms',
  'min',
  'max',
  'min_length',
  'max_length',
  'max_retries',
  'on_max_retries',
  'error_message',
  'sections',
  'rows',
  'id',
  'title',
  'button_text',
  'media_url',
  'latitude',
  'longitude',
  'default_country',
  'all',
  'any',
  'not',
  'name',
  'text',
  'caption',
  'variables.',
  '__proto__',
  'constructor',
  'a.b',
  '',
];

const STRINGS = [
  '{{#if}}',
  '{{',
  '}}',
  '{{#each x}}',
  '{{/each}}',
  '{{#each variables}}{{this}}{{/each}}',
  '{{variables.}}',
  '{{> partial}}',
  '{{else}}',
  '{{lookup}}',
  '{{json variables}}',
  '{{#if a}}x{{else}}y{{/if}}',
  'variables.',
  'variables.a.b',
  '',
  ' ',
  '^(a+)+$',
  '[',
  '(?<n>a)',
  '\\',
  'start',
  'end',
  'default',
  'always',
  '*',
  '4xx',
  '404',
  'timeout',
  'API_CALL',
  'SET_VARIABLES',
  'CONDITION',
  'SEND_MESSAGE',
  'HANDOFF',
  'LLM_AGENT',
  'text',
  'buttons',
  'list',
  'image',
  'location',
  'number',
  'date',
  'phone',
  'choice',
  'eq',
  'matches',
  'in',
  'gt',
  'http://127.0.0.1:9/x',
  'ftp://x',
  'GET',
  'POST',
  'json',
  'form',
  'my_backend',
  '__proto__',
  'a'.repeat(300),
  'ü',
  '😀',
];

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.constantFrom<Json>(null, true, false, 0, -1, 1, 3, 10, 101, 0.5, 1e300, -1e300, 2 ** 53 + 2),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 100_000 }),
);

const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 4 }),
  ),
})).v;

type Mutation =
  | { kind: 'replace'; at: number; with: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; key: string; with: Json }
  | { kind: 'rename'; at: number; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    key: fc.constantFrom(...FIELDS),
    with: value,
  }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    key: fc.constantFrom(...FIELDS, 'ask', 'menu', 'done'),
  }),
);

function mutate(seed: Json, mutations: Mutation[]): Json {
  let doc = structuredClone(seed);
  for (const m of mutations) {
    const all = paths(doc);
    const path = all[m.at % all.length];
    const parent = parentOf(doc, path);
    const last = path[path.length - 1];
    if (m.kind === 'insert') {
      const target = path.length ? (parent as Record<string, Json>)[last] : doc;
      if (target && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key, {
          value: m.with,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      continue;
    }
    if (path.length === 0) {
      if (m.kind === 'replace') doc = m.with;
      continue;
    }
    if (parent === null || typeof parent !== 'object') continue;
    if (Array.isArray(parent)) {
      const i = last as number;
      if (m.kind === 'replace') parent[i] = m.with;
      else if (m.kind === 'delete') parent.splice(i, 1);
      continue;
    }
    const key = last as string;
    if (m.kind === 'replace') parent[key] = m.with;
    else if (m.kind === 'delete') delete parent[key];
    else if (m.kind === 'rename' && key !== m.key) {
      Object.defineProperty(parent, m.key, {
        value: parent[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      delete parent[key];
    }
  }
  return doc;
}

/** Integration names the seed calls, so validation does not refuse them for being unknown. */
function integrationNames(doc: Json): string[] {
  const names = new Set<string>(['my_backend']);
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'integration' && typeof x === 'string') names.add(x);
        walk(x);
      }
  };
  walk(doc);
  return [...names];
}

const RUNS = Number(process.env.FC_RUNS ?? 1500);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

describe('Flow documents: validation and the engine agree', () => {
  const SEEDS = seeds();
  let accepted = 0;
  let refused = 0;

  it("should start from the docs' examples and the fixtures, all valid", () => {
    expect(SEEDS.length).toBeGreaterThanOrEqual(6);
  });

  it('should compile and run a start turn for every document that validates, and refuse with a path every one that does not compile', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SEEDS),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (seed, mutations) => {
          const doc = mutate(seed, mutations);
          const { errors } = validateFlow(doc, { integrationNames: integrationNames(seed) });
          let compiled: CompiledFlow | undefined;
          let compileError: unknown;
          try {
            compiled = compileFlow(doc);
          } catch (err) {
            compileError = err;
          }
          if (errors.length === 0) {
            accepted++;
            expect(compileError).toBeUndefined();
            const result = await runTurn(
              compiled!,
              null,
              { kind: 'start', context: TEST_CONTEXT },
              fakePorts(new FakeHttp(() => ({ status_code: 200, body: { ok: true } }))),
            );
            expect(Array.isArray(result.messages)).toBe(true);
          } else {
            refused++;
            for (const e of errors) {
              expect(typeof e.path).toBe('string');
              expect(e.message.length).toBeGreaterThan(0);
            }
          }
          if (compileError !== undefined) expect(errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    // Both sides of the property were exercised, not just one.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
  });
});
