import { LRUCache } from 'lru-cache';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through (default 30 s). */
  coolDownMs?: number;
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
  /** Hosts with failures remembered at most (default 10,000; least recently used out first). */
  maxKeys?: number;
}

interface HostCircuit {
  failures: number;
  openedAt?: number;
  trialInFlight: boolean;
}

/**
 * Per-key (per-host) circuit breaker. Closed: calls pass and consecutive failures are
 * counted. Open: calls fail fast until the cool-down has passed. Half-open: one trial
 * call passes; its success closes the circuit, its failure opens it again.
 *
 * Callers pair every successful `tryAcquire` with exactly one of `recordSuccess`,
 * `recordFailure` or `release` (an outcome that says nothing about the host's health).
 *
 * Only hosts with failures are remembered, and at most `maxKeys` of them: a host pushed out
 * counts as closed with no failures.
 */
export class CircuitBreaker {
  private readonly circuits: LRUCache<string, HostCircuit>;
  private readonly threshold: number;
  private readonly coolDownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = Math.max(0, options.coolDownMs ?? 30_000);
    this.now = options.now ?? Date.now;
    this.circuits = new LRUCache({ max: Math.max(1, options.maxKeys ?? 10_000) });
  }

  /** Hosts remembered now (at most `maxKeys`). */
  get size(): number {
    return this.circuits.size;
  }

  state(key: string): CircuitState {
    const circuit = this.circuits.peek(key);
    if (!circuit || circuit.openedAt === undefined) return 'closed';
    if (circuit.trialInFlight || this.now() - circuit.openedAt >= this.coolDownMs)
      return 'half_open';
    return 'open';
  }

  /** True when a call to `key` may go ahead now. */
  tryAcquire(key: string): boolean {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.openedAt === undefined) return true;
    if (circuit.trialInFlight) return false;
    if (this.now() - circuit.openedAt < this.coolDownMs) return false;
    circuit.trialInFlight = true;
    return true;
  }

  recordSuccess(key: string): void {
    this.circuits.delete(key);
  }

  recordFailure(key: string): void {
    const circuit = this.circuits.get(key) ?? { failures: 0, trialInFlight: false };
    circuit.failures += 1;
    if (circuit.trialInFlight || circuit.failures >= this.threshold) {
      circuit.openedAt = this.now();
    }
    circuit.trialInFlight = false;
    this.circuits.set(key, circuit);
  }

  /** The call ended without telling anything about the host (e.g. refused before connecting). */
  release(key: string): void {
    const circuit = this.circuits.get(key);
    if (circuit) circuit.trialInFlight = false;
  }
}
