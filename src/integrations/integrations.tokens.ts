/** Injection token of the engine's HttpCallerPort implementation. */
export const HTTP_CALLER = Symbol('HTTP_CALLER');
