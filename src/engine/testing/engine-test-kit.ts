import { compileFlow } from '../compile/compile-flow';
import type { CompiledFlow } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import type { ApiCallRequest, ApiCallResult, CallOptions, HttpCallerPort } from '../ports';
import { runTurn } from '../runner/run-turn';
import type { EnginePorts, SessionState, TurnContextInfo, TurnResult } from '../runner/turn-types';

/**
 * Small helpers for engine specs and the benchmark: in-memory ports and a conversation driver.
 * No I/O.
 */

export const TEST_CONTEXT: TurnContextInfo = {
  user_id: '255700000001',
  channel: 'api',
  chatbot_id: 'bot_1',
  session_id: 'sess_1',
};

export const FIXED_NOW = new Date('2026-04-02T12:00:00.000Z');

/** An HTTP port that answers from a function and records every request. */
export class FakeHttp implements HttpCallerPort {
  readonly requests: Array<{ request: ApiCallRequest; options: CallOptions }> = [];

  constructor(
    private readonly answer: (request: ApiCallRequest) => Partial<ApiCallResult> = () => ({
      status_code: 200,
      body: {},
    }),
  ) {}

  call(request: ApiCallRequest, options: CallOptions): Promise<ApiCallResult> {
    this.requests.push({ request, options });
    const partial = this.answer(request);
    return Promise.resolve({
      status_code: 200,
      body: undefined,
      headers: {},
      duration_ms: 5,
      attempts: 1,
      ...partial,
    });
  }
}

export function fakePorts(http: HttpCallerPort = new FakeHttp(), deadline?: number): EnginePorts {
  return { http, clock: { now: () => FIXED_NOW }, ...(deadline !== undefined ? { deadline } : {}) };
}

export const text = (value: string): GenericMessage => ({ type: 'text', text: value });
export const press = (buttonId: string, title = buttonId): GenericMessage => ({
  type: 'button',
  text: title,
  button_id: buttonId,
});

/** The texts of a turn's messages (text, buttons and list messages), for compact assertions. */
export function texts(result: TurnResult): string[] {
  return result.messages.map((m) => ('text' in m && m.text !== undefined ? m.text : `<${m.type}>`));
}

/** Drives a conversation: `start()` then `send(...)`, keeping the session between turns. */
export class Conversation {
  session: SessionState | null = null;
  readonly flow: CompiledFlow;

  constructor(
    definition: unknown,
    readonly ports: EnginePorts = fakePorts(),
    readonly context: TurnContextInfo = TEST_CONTEXT,
  ) {
    this.flow = compileFlow(definition);
  }

  async start(): Promise<TurnResult> {
    const result = await runTurn(
      this.flow,
      this.session,
      { kind: 'start', context: this.context },
      this.ports,
    );
    this.session = result.session;
    return result;
  }

  async send(message: GenericMessage | string): Promise<TurnResult> {
    const msg = typeof message === 'string' ? text(message) : message;
    const result = await runTurn(
      this.flow,
      this.session,
      { kind: 'message', message: msg, context: this.context },
      this.ports,
    );
    this.session = result.session;
    return result;
  }

  get variables(): Record<string, unknown> {
    return this.session?.variables ?? {};
  }
}
