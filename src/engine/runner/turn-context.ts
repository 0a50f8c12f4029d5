import type { ActionTurn } from '../actions/action-handler';
import type { CompiledFlow, CompiledState } from '../compile/compiled-flow';
import type { GenericMessage } from '../generic-message';
import type { ApiCallRequest } from '../ports';
import { FLOW_LIMITS } from '../limits/flow-limits';
import { jsonSize, type JsonSizeCache } from '../limits/json-size';
import { isForbiddenKey, parsePath } from '../templates/read-path';
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
  /** The rendered reason of a HANDOFF run this turn (TurnResult.handoffReason). */
  handoffReason: string | undefined;
  private cachedScope: RenderScope | undefined;
  /** Shared by every render of this turn, across scope rebuilds. */
  private readonly renderBudget: RenderBudget = newRenderBudget();
  /**
   * The JSON size of each top-level variable (with its key), measured at the turn's first
   * write, and their sum: the bound on a session's variables (FLOW_LIMITS.maxVariablesChars).
   */
  private sizes: Map<string, number> | undefined;
  private sizesTotal = 0;
  /** Objects already measured this turn (writes are copy-on-write, so sizes stay true). */
  private readonly measured: JsonSizeCache = new WeakMap();

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

  /**
   * Writes one variable by path (`order.total` allowed); prototype keys are refused (false).
   * A value that would take the variables past FLOW_LIMITS.maxVariablesChars is not written:
   * the path gets null instead (no stale value is left for the flow to read), the trace
   * records `variables_limit`, and the answer is false.
   */
  setVariable(path: string, value: unknown): boolean {
    const top = parsePath(path)?.[0];
    if (top === undefined || isForbiddenKey(top)) return false;
    const written = this.tryWrite(top, path, value);
    if (written !== false) return written === true;
    this.refuse(path);
    // Null at the path; or, where even that does not fit (an index far past a list's end, whose
    // holes count), null for the whole top-level variable.
    if (this.tryWrite(top, path, null) !== true) {
      this.variables[top] = null;
      this.remeasure(top);
      this.cachedScope = undefined;
    }
    return false;
  }

  /** Writes `value` at `path` if the variables stay within their bound; undefined: bad path. */
  private tryWrite(top: string, path: string, value: unknown): boolean | undefined {
    // The write is tried on a holder of the top-level value: below the top level writePath
    // copies what it changes, so a refused write leaves the variables as they were.
    const holder: Record<string, unknown> = {};
    if (Object.prototype.hasOwnProperty.call(this.variables, top))
      holder[top] = this.variables[top];
    if (!writePath(holder, path, value)) return undefined;
    if (!this.admit(top, holder[top])) return false;
    this.variables[top] = holder[top];
    this.cachedScope = undefined;
    return true;
  }

  /**
   * Shallow-merges an object into the variables (API response directives, a goto's
   * variables); a value past the bound is set to null, as in setVariable.
   */
  mergeVariables(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) {
      if (isForbiddenKey(key)) continue;
      if (this.admit(key, value)) this.variables[key] = value;
      else {
        this.refuse(key);
        this.variables[key] = null;
        this.remeasure(key);
      }
    }
    this.cachedScope = undefined;
  }

  /**
   * Whether top-level variable `key` may hold `value`, and if so, its size is counted. A
   * value that does not grow the variables is always let in, so a session stored before the
   * bound (and over it) still runs, and can shrink.
   */
  private admit(key: string, value: unknown): boolean {
    const sizes = this.variableSizes();
    const limit = FLOW_LIMITS.maxVariablesChars;
    const before = sizes.get(key) ?? 0;
    const after = entrySize(key, value, limit, this.measured);
    if (after > before && this.sizesTotal - before + after > limit) return false;
    sizes.set(key, after);
    this.sizesTotal += after - before;
    return true;
  }

  private remeasure(key: string): void {
    const sizes = this.variableSizes();
    const after = entrySize(key, this.variables[key], FLOW_LIMITS.maxVariablesChars, this.measured);
    this.sizesTotal += after - (sizes.get(key) ?? 0);
    sizes.set(key, after);
  }

  private refuse(name: string): void {
    this.record({
      type: 'variables_limit',
      state: this.state,
      name,
      limit: FLOW_LIMITS.maxVariablesChars,
    });
  }

  /** Measured once per turn, after the built-ins were set (they are small and always written). */
  private variableSizes(): Map<string, number> {
    if (this.sizes === undefined) {
      this.sizes = new Map();
      for (const key of Object.keys(this.variables)) {
        const size = entrySize(
          key,
          this.variables[key],
          FLOW_LIMITS.maxVariablesChars,
          this.measured,
        );
        this.sizes.set(key, size);
        this.sizesTotal += size;
      }
    }
    return this.sizes;
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

/** `"key":value,` of one top-level variable, at most `limit + 1`. */
function entrySize(key: string, value: unknown, limit: number, seen: JsonSizeCache): number {
  return Math.min(key.length + 4 + jsonSize(value, limit, seen), limit + 1);
}
