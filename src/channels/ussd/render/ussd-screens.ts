import { USSD_LIMITS } from '../../../engine/limits/message-limits';

/** Characters as a phone shows them: code points (an emoji is one, never split in two). */
const chars = (text: string): string[] => Array.from(text);

const MORE = `${USSD_LIMITS.moreOption}. More`;
const BACK = `${USSD_LIMITS.backOption}. Back`;

/** The smallest screen this will page to: room for some text beside both controls. */
export const MIN_SCREEN_CHARS = 40;

/**
 * One USSD reply split into screens of at most `maxChars` characters, control lines included:
 * the last line of every screen but the last is `98. More`, and every screen but the first
 * offers `0. Back` above it. Breaks fall between lines where possible, else between words, else inside a
 * word that is longer than a screen.
 */
export function ussdScreens(text: string, maxChars: number = USSD_LIMITS.screenChars): string[] {
  const max = Math.max(MIN_SCREEN_CHARS, Math.floor(maxChars));
  if (chars(text).length <= max) return [text];
  const screens: string[] = [];
  let rest = text;
  while (rest !== '') {
    const first = screens.length === 0;
    const lastControls = first ? [] : [BACK];
    if (fits(rest, lastControls, max)) {
      screens.push(withControls(rest, lastControls));
      break;
    }
    const controls = first ? [MORE] : [BACK, MORE];
    const room = max - chars(controls.join('\n')).length - 1;
    const [page, remaining] = cut(rest, room);
    screens.push(withControls(page, controls));
    rest = remaining;
  }
  return screens;
}

/**
 * A text as one screen, for replies that end the session (they cannot be paged): cut to
 * `maxChars` with `...` when longer.
 */
export function lastScreen(text: string, maxChars: number = USSD_LIMITS.screenChars): string {
  const max = Math.max(MIN_SCREEN_CHARS, Math.floor(maxChars));
  const all = chars(text);
  return all.length <= max
    ? text
    : `${all
        .slice(0, max - 3)
        .join('')
        .trimEnd()}...`;
}

function withControls(content: string, controls: string[]): string {
  return [content, ...controls].filter((part) => part !== '').join('\n');
}

function fits(content: string, controls: string[], max: number): boolean {
  return chars(withControls(content, controls)).length <= max;
}

/** The longest head of `text` within `room` characters, broken as nicely as possible. */
function cut(text: string, room: number): [string, string] {
  const all = chars(text);
  const head = all.slice(0, room).join('');
  const atLine = head.lastIndexOf('\n');
  const atSpace = head.lastIndexOf(' ');
  // A break is nice only if it keeps a fair share of the screen.
  const nice = (at: number) => at > 0 && chars(head.slice(0, at)).length >= room / 3;
  const at = nice(atLine) ? atLine : nice(atSpace) ? atSpace : -1;
  if (at === -1)
    return [
      head,
      all
        .slice(room)
        .join('')
        .replace(/^[ \n]+/, ''),
    ];
  return [head.slice(0, at).trimEnd(), text.slice(at + 1).replace(/^[ \n]+/, '')];
}
