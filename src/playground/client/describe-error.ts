import { ApiError } from './api-client';

/** What went wrong, in a sentence for the page: the API's own `detail` when it answered. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}
