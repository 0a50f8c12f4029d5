import type { FlowIssue, FlowValidationResult } from './flow-issue';

interface CollectedIssue extends FlowIssue {
  bucket: number;
  seq: number;
}

/**
 * Gathers errors and warnings. Each issue belongs to a bucket (a part of the document: start,
 * settings, …, one bucket per state) so that findings made late, by flow-wide analysis, are
 * still reported in document order.
 */
export class IssueCollector {
  private readonly errors: CollectedIssue[] = [];
  private readonly warnings: CollectedIssue[] = [];
  private seq = 0;
  private current = 0;

  /** Issues added from now on belong to `bucket` (until the next call). */
  setBucket(bucket: number): void {
    this.current = bucket;
  }

  error(path: string, message: string): void {
    this.errors.push({ path, message, bucket: this.current, seq: this.seq++ });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message, bucket: this.current, seq: this.seq++ });
  }

  get bucket(): number {
    return this.current;
  }

  get errorCount(): number {
    return this.errors.length;
  }

  result(): FlowValidationResult {
    return { errors: ordered(this.errors), warnings: ordered(this.warnings) };
  }
}

function ordered(issues: CollectedIssue[]): FlowIssue[] {
  return [...issues]
    .sort((a, b) => a.bucket - b.bucket || a.seq - b.seq)
    .map(({ path, message }) => ({ path, message }));
}
