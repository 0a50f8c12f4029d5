/** Where the widget talks to, read from its own script tag. */
export interface ScriptConfig {
  /** The gateway's origin, `scheme://host[:port]`: the script is served by the gateway. */
  gateway: string;
  widgetKey: string;
}

const KEY_RE = /^[A-Za-z0-9_-]{3,128}$/;

/**
 * Reads the script's absolute `src` and its `data-widget-key`; null when either is missing
 * or malformed (the widget then stays out of the page rather than call a wrong URL).
 */
export function readScriptConfig(
  src: string | null | undefined,
  key: string | null | undefined,
): ScriptConfig | null {
  const widgetKey = key?.trim() ?? '';
  if (!src || !KEY_RE.test(widgetKey)) return null;
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { gateway: url.origin, widgetKey };
}
