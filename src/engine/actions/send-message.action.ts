import { compileMessages } from '../compile/compile-messages';
import { normaliseMessages } from '../normalise/normalise-messages';
import { CONTINUE, type ActionHandler } from './action-handler';

/** `SEND_MESSAGE`: sends `message` (same forms as a state's, with `buttons`/`list`) after earlier actions. */
export const sendMessageAction: ActionHandler = {
  type: 'SEND_MESSAGE',
  compile(definition, path) {
    const messages = compileMessages(
      normaliseMessages(definition.message, definition.buttons, definition.list, path),
      `${path}.message`,
    );
    return {
      type: 'SEND_MESSAGE',
      targets: [],
      run(turn, _ports, index) {
        turn.sendRendered(messages);
        turn.record({
          type: 'action',
          state: turn.state ?? '',
          action: 'SEND_MESSAGE',
          index,
          outcome: 'sent',
        });
        return CONTINUE;
      },
    };
  },
};
