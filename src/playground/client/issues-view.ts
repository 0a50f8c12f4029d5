import type { Issue } from './api-client';
import { h, replaceChildren } from './dom';

export type IssueSeverity = 'syntax' | 'error' | 'warning';

export interface ShownIssue {
  severity: IssueSeverity;
  message: string;
  /** The validation path; absent for JSON syntax errors. */
  path?: string;
  /** Where a syntax error is, as an offset and `line:column`. */
  offset?: number;
  position?: string;
}

export interface IssuesView {
  /** Lists findings; `heading` says where they come from (validation, publish). */
  show(issues: ShownIssue[], heading: string): void;
  /** A line instead of the list (checking…, the check failed). */
  message(text: string, tone?: 'info' | 'error'): void;
}

/** Findings of the validator (or a publish refusal) as buttons that move the editor cursor. */
export function createIssuesView(
  host: HTMLElement,
  headingHost: HTMLElement,
  onPick: (issue: ShownIssue) => void,
): IssuesView {
  return {
    show(issues, heading) {
      const errors = issues.filter((i) => i.severity !== 'warning').length;
      const warnings = issues.length - errors;
      headingHost.textContent = `${heading}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      headingHost.dataset.errors = String(errors);
      headingHost.dataset.warnings = String(warnings);
      if (issues.length === 0) {
        replaceChildren(
          host,
          h('li', { class: 'none', 'data-testid': 'no-issues' }, '✓ No problems found.'),
        );
        return;
      }
      replaceChildren(
        host,
        ...issues.map((issue) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'issue',
                'data-testid': 'issue',
                'data-severity': issue.severity,
                'data-path': issue.path,
                'data-offset': issue.offset,
                title: 'Show in the editor',
                onclick: () => onPick(issue),
              },
              h(
                'code',
                {},
                issue.path !== undefined
                  ? issue.path || '(whole document)'
                  : `JSON ${issue.position ?? ''}`.trim(),
              ),
              issue.message,
            ),
          ),
        ),
      );
    },
    message(text, tone = 'info') {
      headingHost.textContent = text;
      delete headingHost.dataset.errors;
      delete headingHost.dataset.warnings;
      replaceChildren(
        host,
        tone === 'error'
          ? h('li', { class: 'issue', 'data-severity': 'error', role: 'alert' }, text)
          : null,
      );
    },
  };
}

/** Validator findings as shown issues, errors first (each group keeps the server's order). */
export function validationIssues(
  errors: readonly Issue[],
  warnings: readonly Issue[],
): ShownIssue[] {
  return [
    ...errors.map((e) => ({ severity: 'error' as const, path: e.path, message: e.message })),
    ...warnings.map((w) => ({ severity: 'warning' as const, path: w.path, message: w.message })),
  ];
}
