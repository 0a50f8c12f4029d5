/**
 * Engine micro-benchmark: `npm run bench:engine`.
 *
 * Runs many complete conversations through a 30-state flow (input validation of every type,
 * conditions, SET_VARIABLES, templates with helpers, buttons, a global keyword) on one core,
 * with no I/O, and prints turns per second and the p50/p99 time of one `runTurn`. A baseline
 * measured in the same process gives the figure a scale: per "turn", a JSON deep copy of a
 * session plus one precompiled Handlebars render.
 */
import Handlebars from 'handlebars';
import { compileFlow } from '../src/engine/compile/compile-flow';
import type { GenericMessage } from '../src/engine/generic-message';
import { runTurn } from '../src/engine/runner/run-turn';
import type { SessionState, TurnContextInfo } from '../src/engine/runner/turn-types';
import { fakePorts, press, text } from '../src/engine/testing/engine-test-kit';

const QUESTIONS = [
  { key: 'name', type: 'text', extra: { min_length: 2 }, good: 'Zoë Mwangi', bad: 'Z' },
  { key: 'quantity', type: 'number', extra: { min: 1, max: 100 }, good: '12.5', bad: 'lots' },
  { key: 'email', type: 'email', extra: {}, good: 'zoe@example.com', bad: 'zoe@' },
  { key: 'delivery_date', type: 'date', extra: {}, good: '22/11/2026', bad: '31/02/2026' },
  { key: 'size', type: 'choice', extra: {}, good: 'Large', bad: 'huge' },
  {
    key: 'phone',
    type: 'phone',
    extra: { default_country: 'TZ' },
    good: '0712 345 678',
    bad: '12',
  },
  { key: 'slot', type: 'time', extra: {}, good: '2:30 pm', bad: '25:00' },
  { key: 'count', type: 'integer', extra: { min: 1 }, good: '3', bad: '3.5' },
] as const;

function buildFlow(): Record<string, unknown> {
  const states: Record<string, unknown> = {
    start: {
      message: [
        'Hi {{default contact_name "there"}}! Welcome to {{upper shop}}.',
        'What would you like to do?',
      ],
      buttons: [
        { id: 'order', title: 'Place an order' },
        { id: 'faq', title: 'FAQ' },
      ],
      transitions: { order: 'q1', faq: 'faq' },
    },
    faq: {
      message:
        'We deliver in {{variables.cities.length}} cities: {{#each cities}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}.',
      end: true,
    },
    summary: {
      message: [
        'Order for {{name}} ({{lower email}}): {{number quantity decimals=2}} × {{size}} on {{date delivery_date "DD MMM YYYY"}} at {{slot}}.',
        'Items so far: {{#each items}}{{@index}}={{this.sku}} {{/each}}— first {{items[0].sku}}.',
      ],
      actions: [
        {
          type: 'SET_VARIABLES',
          set: { confirmed_at: '{{last_input}}', summary_count: '{{length items}}' },
        },
      ],
      transitions: { always: 'confirm' },
    },
    confirm: {
      message: 'Confirm this order?',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
      transitions: [
        { button: 'yes', to: 'done' },
        { button: 'no', to: 'cancelled' },
        { keywords: ['ndio', 'sawa'], to: 'done' },
      ],
    },
    done: { message: 'Thanks {{name}}, order {{json step}} placed.', end: true },
    cancelled: { message: 'Cancelled.', end: true },
  };
  QUESTIONS.forEach((q, i) => {
    const n = i + 1;
    const ask: Record<string, unknown> = {
      message: `Question ${n}: your ${q.key}?{{#if (gt step 0)}} (step {{step}} of ${QUESTIONS.length}){{/if}}`,
      input: {
        save_to: q.key,
        type: q.type,
        error_message: `That is not a valid ${q.key}, {{default name "friend"}}.`,
        ...q.extra,
      },
      transitions: { default: `c${n}` },
    };
    if (q.type === 'choice') {
      ask.buttons = [
        { id: 'S', title: 'Small' },
        { id: 'M', title: 'Medium' },
        { id: 'L', title: 'Large' },
      ];
    }
    states[`q${n}`] = ask;
    states[`c${n}`] = {
      actions: [
        {
          type: 'SET_VARIABLES',
          set: {
            step: n,
            [`answer_${n}`]: `{{${q.key}}}`,
            [`items.${i}`]: { sku: `SKU-${n}`, value: `{{${q.key}}}` },
          },
        },
        {
          type: 'CONDITION',
          if: { all: [{ var: q.key, op: 'exists' }, { not: { var: q.key, op: 'empty' } }] },
          then: `s${n}`,
          else: `q${n}`,
        },
      ],
    };
    states[`s${n}`] = {
      message: `Got {{answer_${n}}} for ${q.key}.`,
      transitions: [
        { when: { var: 'step', op: 'gte', value: QUESTIONS.length }, always: true, to: 'summary' },
        { always: true, to: n < QUESTIONS.length ? `q${n + 1}` : 'summary' },
      ],
    };
  });
  return {
    start: 'start',
    settings: { fallback_message: 'Sorry {{default name "friend"}}, I did not get that.' },
    variables: {
      shop: 'Duka la Zoë',
      step: 0,
      items: [],
      cities: ['Dar es Salaam', 'Arusha', 'Mwanza'],
    },
    global_transitions: [{ keywords: ['menu', 'restart'], to: 'start' }],
    states,
  };
}

/** One conversation: start, choose to order, answer every question (some wrongly first), confirm. */
function script(): GenericMessage[] {
  const replies: GenericMessage[] = [press('order', 'Place an order')];
  QUESTIONS.forEach((q, i) => {
    if (i % 2 === 0) replies.push(text(q.bad));
    replies.push(text(q.good));
  });
  replies.push(text('what?'), press('yes', 'Yes'));
  return replies;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const definition = buildFlow();
  const compileStart = process.hrtime.bigint();
  const flow = compileFlow(definition);
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const ports = fakePorts();
  const replies = script();
  const context: TurnContextInfo = {
    user_id: '255712345678',
    channel: 'whatsapp',
    chatbot_id: 'bot',
    session_id: 's',
    contact_name: 'Zoë',
  };

  // Sanity check: one conversation must end closed, with every answer saved.
  {
    let session = (await runTurn(flow, null, { kind: 'start', context }, ports)).session;
    for (const message of replies)
      session = (await runTurn(flow, session, { kind: 'message', message, context }, ports))
        .session;
    if (session.status !== 'closed' || session.variables.phone !== '+255712345678') {
      throw new Error(`benchmark flow did not complete: ${JSON.stringify(session)}`);
    }
  }

  const capacity = 20_000_000;
  const latencies = new Float64Array(capacity);
  let turns = 0;
  let conversations = 0;
  const warmupEnd = Date.now() + 500;
  const runFor = async (until: number, record: boolean): Promise<void> => {
    while (Date.now() < until) {
      for (let batch = 0; batch < 50; batch++) {
        let t0 = process.hrtime.bigint();
        let result = await runTurn(flow, null, { kind: 'start', context }, ports);
        let session: SessionState = result.session;
        let t1 = process.hrtime.bigint();
        if (record && turns < capacity) latencies[turns++] = Number(t1 - t0);
        for (const message of replies) {
          t0 = process.hrtime.bigint();
          result = await runTurn(flow, session, { kind: 'message', message, context }, ports);
          t1 = process.hrtime.bigint();
          session = result.session;
          if (record && turns < capacity) latencies[turns++] = Number(t1 - t0);
        }
        if (record) conversations++;
      }
    }
  };
  await runFor(warmupEnd, false);
  const wallStart = process.hrtime.bigint();
  await runFor(Date.now() + seconds * 1000, true);
  const wallNs = Number(process.hrtime.bigint() - wallStart);

  const measured = latencies.subarray(0, turns).sort();
  const turnsPerSecond = turns / (wallNs / 1e9);

  // Baseline: a JSON round trip of a realistic session plus one precompiled Handlebars render.
  const hb = Handlebars.create();
  const baselineTemplate = hb.compile(
    'Order for {{name}}: {{quantity}} × {{size}} on {{delivery_date}}.',
    { noEscape: true },
  );
  let lastSession: SessionState = (await runTurn(flow, null, { kind: 'start', context }, ports))
    .session;
  for (const message of replies.slice(0, -1))
    lastSession = (await runTurn(flow, lastSession, { kind: 'message', message, context }, ports))
      .session;
  const baseLatencies = new Float64Array(capacity);
  let baseOps = 0;
  let sink = 0;
  const baseStart = process.hrtime.bigint();
  const baseUntil = Date.now() + Math.max(1, seconds / 2) * 1000;
  while (Date.now() < baseUntil) {
    for (let i = 0; i < 1000 && baseOps < capacity; i++) {
      const t0 = process.hrtime.bigint();
      const copy = JSON.parse(JSON.stringify(lastSession)) as SessionState;
      sink += baselineTemplate(copy.variables).length;
      baseLatencies[baseOps++] = Number(process.hrtime.bigint() - t0);
    }
  }
  const baseWallNs = Number(process.hrtime.bigint() - baseStart);
  const baseMeasured = baseLatencies.subarray(0, baseOps).sort();

  const us = (ns: number): string => (ns / 1000).toFixed(1);
  console.log(
    `engine benchmark — 30-state flow (${flow.states.size} states), compiled in ${compileMs.toFixed(1)} ms, node ${process.version}`,
  );
  console.log(
    `  conversations: ${conversations}, turns: ${turns} in ${(wallNs / 1e9).toFixed(2)} s`,
  );
  console.log(
    `  runTurn: ${Math.round(turnsPerSecond).toLocaleString('en')} turns/s   p50 ${us(percentile(measured, 50))} µs   p99 ${us(percentile(measured, 99))} µs`,
  );
  console.log(
    `  baseline (JSON copy of session + 1 Handlebars render): ${Math.round(baseOps / (baseWallNs / 1e9)).toLocaleString('en')} ops/s   p50 ${us(percentile(baseMeasured, 50))} µs   p99 ${us(percentile(baseMeasured, 99))} µs`,
  );
  console.log(
    `  target ≥ 50,000 turns/s: ${turnsPerSecond >= 50_000 ? 'met' : 'NOT met'}${sink < 0 ? '' : ''}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
