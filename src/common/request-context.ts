import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

/** Carries the request id to log lines written anywhere during a request. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
