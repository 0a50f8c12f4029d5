import { DomainError, ErrorCode, type FieldError } from '../../common/domain-error';

/** Collects validation problems with their JSON paths (`auth.token`, `retry.on[1]`). */
export class FieldIssues {
  readonly list: FieldError[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Throws one 400 carrying every problem found so far, if there is any. */
  throwIfAny(detail = 'Request validation failed.'): void {
    if (this.list.length > 0) throw new DomainError(ErrorCode.ValidationFailed, detail, this.list);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body as an object (none counts as empty); 400 at path "" for anything else. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (!isRecord(body)) {
    throw new DomainError(ErrorCode.ValidationFailed, 'Request validation failed.', [
      { path: '', message: 'The request body must be a JSON object.' },
    ]);
  }
  return body;
}
