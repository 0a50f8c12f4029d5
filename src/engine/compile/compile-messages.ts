import type { MessageDefinition } from '../normalise/normalised-flow';
import { compileValue, type ValueRenderer } from '../templates/compile-value';
import { compileTemplate } from '../templates/compile-template';
import type { CompiledChoice } from './compiled-flow';

/** Compiles normalised messages: every string field (but `type`) is a text template. */
export function compileMessages(
  messages: readonly MessageDefinition[],
  path: string,
): ValueRenderer[] {
  return messages.map((message, i) => {
    const { type, ...fields } = message;
    const renderFields = compileValue(fields, 'text', `${path}[${i}]`);
    return (scope) => ({ type, ...(renderFields(scope) as Record<string, unknown>) });
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The buttons and list rows of the messages, for `choice` input and title matching. */
export function collectChoices(
  messages: readonly MessageDefinition[],
  path: string,
): CompiledChoice[] {
  const choices: CompiledChoice[] = [];
  const add = (option: unknown, at: string): void => {
    if (!isRecord(option)) return;
    const id = typeof option.id === 'string' ? option.id : undefined;
    const title = typeof option.title === 'string' ? option.title : undefined;
    if (id === undefined && title === undefined) return;
    choices.push({
      id: compileTemplate(id ?? title ?? '', 'text', `${at}.id`),
      title: compileTemplate(title ?? id ?? '', 'text', `${at}.title`),
    });
  };
  messages.forEach((message, i) => {
    const at = `${path}[${i}]`;
    if (Array.isArray(message.buttons))
      message.buttons.forEach((b, j) => add(b, `${at}.buttons[${j}]`));
    if (Array.isArray(message.sections)) {
      message.sections.forEach((section, j) => {
        if (isRecord(section) && Array.isArray(section.rows)) {
          section.rows.forEach((row, k) => add(row, `${at}.sections[${j}].rows[${k}]`));
        }
      });
    }
  });
  return choices;
}
