/** The choices a state's messages offer, for shorthand attachment and choice checks. */
export interface MessageSummary {
  /** Ids of every button and list row, in order. */
  optionIds: string[];
  /** Whether some text message exists for `buttons`/`list` shorthands to attach to. */
  hasText: boolean;
}

export function emptyMessageSummary(): MessageSummary {
  return { optionIds: [], hasText: false };
}

/** Characters as a person counts them (code points, so an emoji is one). */
export function characterCount(text: string): number {
  return Array.from(text).length;
}
