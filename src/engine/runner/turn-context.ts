import type { ActionTurn } from '../actions/action-handler';
import type { CompiledFlow, CompiledState } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import type { ApiCallRequest } from '../ports';
import { isForbiddenKey } from '../templates/read-path';
import { shortenText } from '../normalise/shorten-text';
import type { ValueRenderer } from '../templates/compile-value';
import type { Template } from '../templates/compile-template';
import { buildTemplateContext, type RenderScope } from '../templates/render-scope';
import { newRenderBudget, type RenderBudget } from '../templates/render-budget';
import { writePath } from '../templates/write-path';
import type { TraceEvent } from './trace-event';
import type { SessionStatus, TurnContextInfo } from './turn-types';

const MAX_TEMPLATE_IN_TRACE = 200;

/**
 * The mutable working state of one turn. Created from a copy of the session, so the caller's
 * session object is never changed; variable writes are copy-on-write below the top level.
 */
export class TurnContext implements ActionTurn {
  readonly messages: GenericMessage[] = [];
  readonly trace: TraceEvent[] = [];
  readonly deferredCalls: ApiCallRequest[] = [];
  /** The user's message of this turn (absent on a start turn). */
  inbound: GenericMessage | undefined;
  private cachedScope: RenderScope | undefined;
  /** Shared by every render of this turn, across scope rebuilds. */
  private readonly renderBudget: RenderBudget = newRenderBudget();

  constructor(
    readonly flow: CompiledFlow,
    readonly info: TurnContextInfo,
    public variables: Record<string, unknown>,
    public state: string | null,
    public retries: number,
    public status: SessionStatus,
  ) {}

  /** The template scope over the current variables; rebuilt only after a write. */
  get scope(): RenderScope {
    if (this.cachedScope === undefined) {
      this.cachedScope = {
        context: buildTemplateContext(this.variables),
        budget: this.renderBudget,
        onError: (source, error) =>
          this.record({
            type: 'template_error',
            state: this.state,
            template: shortenText(source, MAX_TEMPLATE_IN_TRACE + 1),
            error: error instanceof Error ? error.message : String(error),
          }),
      };
    }
    return this.cachedScope;
  }

  /** Writes one variable by path (`order.total` allowed); prototype keys are refused. */
  setVariable(path: string, value: unknown): boolean {
    const written = writePath(this.variables, path, value);
    if (written) this.cachedScope = undefined;
    return written;
  }

  /** Shallow-merges an object into the variables (API response directives). */
  mergeVariables(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) {
      if (!isForbiddenKey(key)) this.variables[key] = value;
    }
    this.cachedScope = undefined;
  }

  record(event: TraceEvent): void {
    this.trace.push(event);
  }

  send(message: GenericMessage): void {
    this.messages.push(message);
    this.record({ type: 'message_sent', state: this.state, message_type: message.type });
  }

  sendRendered(renderers: readonly ValueRenderer[]): void {
    for (const render of renderers) this.send(render(this.scope) as GenericMessage);
  }

  sendText(template: Template): void {
    this.send({ type: 'text', text: template.render(this.scope) });
  }

  hasState(name: string): boolean {
    return this.flow.states.has(name);
  }

  currentState(): CompiledState | undefined {
    return this.state === null ? undefined : this.flow.states.get(this.state);
  }
}
