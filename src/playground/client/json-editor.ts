import { json } from '@codemirror/lang-json';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { basicSetup, EditorView } from 'codemirror';

export interface EditorProblem {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface JsonEditor {
  text(): string;
  /** Replaces the whole text (opening a flow); the change listener is not called. */
  setText(text: string): void;
  /** Selects a range, scrolls it into view and focuses the editor. */
  select(from: number, to?: number): void;
  /** Underlines problems in the text (their list is shown beside the editor). */
  showProblems(problems: readonly EditorProblem[]): void;
  focus(): void;
}

/**
 * CodeMirror 6 with JSON highlighting, folding, bracket matching and search. `onChange` gets
 * the text after every edit by the user; `onCursor` the line and column of the cursor. The
 * editor element carries `data-cursor` (offset) and `data-selection` (`from-to`) so tests
 * and tools can see where the cursor is.
 */
export function createJsonEditor(
  parent: HTMLElement,
  onChange: (text: string) => void,
  onCursor: (line: number, column: number) => void,
): JsonEditor {
  let quiet = false;
  const view = new EditorView({
    parent,
    doc: '',
    extensions: [
      basicSetup,
      json(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-label': 'Flow JSON',
        'data-testid': 'editor-content',
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !quiet) onChange(update.state.doc.toString());
        if (update.selectionSet || update.docChanged) {
          const { from, to, head } = update.state.selection.main;
          parent.dataset.cursor = String(head);
          parent.dataset.selection = `${from}-${to}`;
          const line = update.state.doc.lineAt(head);
          onCursor(line.number, head - line.from + 1);
        }
      }),
    ],
  });
  const clamp = (n: number) => Math.max(0, Math.min(n, view.state.doc.length));
  return {
    text: () => view.state.doc.toString(),
    setText(text) {
      quiet = true;
      try {
        view.dispatch({
          changes: { from: 0, to: view.state.doc.length, insert: text },
          selection: { anchor: 0 },
        });
        view.dispatch(setDiagnostics(view.state, []));
      } finally {
        quiet = false;
      }
    },
    select(from, to = from) {
      const anchor = clamp(from);
      const head = clamp(to);
      view.dispatch({ selection: { anchor, head }, scrollIntoView: true });
      view.dispatch({ effects: EditorView.scrollIntoView(anchor, { y: 'center' }) });
      view.focus();
    },
    showProblems(problems) {
      const length = view.state.doc.length;
      const diagnostics: Diagnostic[] = problems
        .filter((p) => p.from <= length)
        .map((p) => ({ ...p, from: p.from, to: Math.min(Math.max(p.to, p.from), length) }));
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    focus: () => view.focus(),
  };
}
