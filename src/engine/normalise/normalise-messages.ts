import { FlowCompileError } from '../flow-compile-error';
import { isRecord } from './is-record';
import type { MessageDefinition } from './normalised-flow';

/**
 * Applies the message shorthands of a state (or SEND_MESSAGE action):
 * `message` as a string, a list of strings, a GenericMessage object, or a mixed list;
 * `buttons` / `list` attached to the last text message.
 *
 * Where the spec is silent: a button written as a plain string is `{id: title, title}`; a
 * message object without `type` but with `text` is a text message; `buttons`/`list` with no
 * text message to attach to become a message of their own with empty text; `buttons` and
 * `list` together are refused (one message cannot be both).
 */
export function normaliseMessages(
  message: unknown,
  buttons: unknown,
  list: unknown,
  path: string,
): MessageDefinition[] {
  const messages = toMessageList(message, `${path}.message`);
  if (buttons !== undefined && buttons !== null && list !== undefined && list !== null) {
    throw new FlowCompileError(
      'invalid_message',
      '"buttons" and "list" cannot both be attached to one message',
      path,
    );
  }
  if (buttons !== undefined && buttons !== null) {
    const normalised = normaliseButtons(buttons, `${path}.buttons`);
    attachToLastText(messages, (text) => ({ type: 'buttons', text, buttons: normalised }));
  }
  if (list !== undefined && list !== null) {
    if (!isRecord(list) || !Array.isArray(list.sections)) {
      throw new FlowCompileError('invalid_message', '"list" needs "sections"', `${path}.list`);
    }
    const { button_text: buttonText, sections } = list;
    attachToLastText(messages, (text) => ({
      type: 'list',
      text,
      button_text: typeof buttonText === 'string' ? buttonText : 'Options',
      sections,
    }));
  }
  return messages;
}

function toMessageList(message: unknown, path: string): MessageDefinition[] {
  if (message === undefined || message === null) return [];
  if (Array.isArray(message)) return message.map((item, i) => toMessage(item, `${path}[${i}]`));
  return [toMessage(message, path)];
}

function toMessage(item: unknown, path: string): MessageDefinition {
  if (typeof item === 'string') return { type: 'text', text: item };
  if (isRecord(item)) {
    if (typeof item.type === 'string') {
      const copy: MessageDefinition = { ...item, type: item.type };
      if (item.type === 'buttons' && item.buttons !== undefined)
        copy.buttons = normaliseButtons(item.buttons, `${path}.buttons`);
      return copy;
    }
    if (typeof item.text === 'string') return { ...item, type: 'text' };
  }
  throw new FlowCompileError(
    'invalid_message',
    'a message must be a string or a message object with "type"',
    path,
  );
}

function normaliseButtons(buttons: unknown, path: string): Array<{ id: string; title: string }> {
  if (!Array.isArray(buttons))
    throw new FlowCompileError('invalid_message', '"buttons" must be a list', path);
  return buttons.map((button, i) => {
    if (typeof button === 'string') return { id: button, title: button };
    if (isRecord(button) && (typeof button.id === 'string' || typeof button.title === 'string')) {
      const title = typeof button.title === 'string' ? button.title : String(button.id);
      const id = typeof button.id === 'string' ? button.id : title;
      return { id, title };
    }
    throw new FlowCompileError(
      'invalid_message',
      'a button needs "id" and "title"',
      `${path}[${i}]`,
    );
  });
}

function attachToLastText(
  messages: MessageDefinition[],
  build: (text: string) => MessageDefinition,
): void {
  for (let i = messages.length - 1; i >= 0; i--) {
    const candidate = messages[i];
    if (candidate.type === 'text') {
      messages[i] = build(typeof candidate.text === 'string' ? candidate.text : '');
      return;
    }
  }
  messages.push(build(''));
}
