/**
 * The page's CSS, applied from the script as a constructed style sheet: the page then works
 * under a Content-Security-Policy without 'unsafe-inline' styles, and ships as one file.
 */
export const PLAYGROUND_CSS = `
:root {
  --accent: #0b5f6e; --accent-soft: #e3f1f3; --text: #1f2933; --muted: #5c6670;
  --line: #d9dee3; --bg: #f5f7f9; --pane: #ffffff; --error: #c92a2a; --warn: #b35c00;
  --ok: #2b8a3e; --current: #f76707;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px;
  color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
button, input, select { font: inherit; }
button {
  border: 1px solid var(--line); background: #fff; color: var(--text); border-radius: 6px;
  padding: 4px 10px; cursor: pointer;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .55; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.primary:hover:not(:disabled) { background: #08505d; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.pg { display: grid; grid-template-rows: auto 1fr; height: 100vh; }
.pg-top {
  display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: var(--accent);
  color: #fff;
}
.pg-top h1 { font-size: 16px; margin: 0; font-weight: 650; white-space: nowrap; }
.pg-top form { display: flex; align-items: center; gap: 6px; }
.pg-top label { font-size: 13px; opacity: .9; }
.pg-top input { width: 260px; padding: 4px 8px; border-radius: 6px; border: 1px solid #ffffff80; }
.pg-top button { border-color: #ffffffa0; }
.pg-status { margin-left: auto; font-size: 13px; max-width: 45%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pg-status[data-tone="error"] { background: #fff; color: var(--error); padding: 2px 8px; border-radius: 4px; }
.pg-body { display: grid; grid-template-columns: 210px 1fr; min-height: 0; }
.pg-side { border-right: 1px solid var(--line); background: #fbfcfd; overflow: auto; padding: 8px 0; }
.pg-side h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 12px 12px 4px; }
.pg-side ul { list-style: none; margin: 0; padding: 0; }
.pg-side li button {
  display: flex; width: 100%; gap: 6px; align-items: baseline; text-align: left; border: 0;
  border-radius: 0; padding: 5px 12px; background: transparent;
}
.pg-side li button:hover { background: var(--accent-soft); }
.pg-side li button[aria-current="true"] { background: var(--accent-soft); box-shadow: inset 3px 0 var(--accent); font-weight: 600; }
.pg-side .empty { color: var(--muted); font-size: 12px; padding: 4px 12px; }
.badge { font-size: 10.5px; padding: 0 5px; border-radius: 8px; background: #e9ecef; color: var(--muted); font-weight: 500; white-space: nowrap; }
.badge.published { background: #d3f9d8; color: var(--ok); }
.version-item { padding: 4px 12px; font-size: 12.5px; display: flex; gap: 6px; }
.version-item time { color: var(--muted); }
.pg-main { display: grid; grid-template-columns: minmax(340px, 1.05fr) minmax(300px, 1fr) minmax(340px, 400px); min-height: 0; min-width: 0; }
.pane { display: flex; flex-direction: column; min-height: 0; min-width: 0; border-right: 1px solid var(--line); background: var(--pane); }
.pane:last-child { border-right: 0; }
.pane-head { display: flex; align-items: center; gap: 6px; padding: 6px 10px; border-bottom: 1px solid var(--line); min-height: 40px; flex-wrap: wrap; }
.pane-head h2 { font-size: 14px; margin: 0 auto 0 0; font-weight: 650; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.dirty { color: var(--warn); font-size: 12px; }
.editor-host { flex: 1 1 60%; min-height: 160px; overflow: hidden; position: relative; }
.editor-host .cm-editor { height: 100%; font-size: 12.5px; }
.editor-host .cm-scroller { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.editor-foot { font-size: 11.5px; color: var(--muted); padding: 2px 10px; border-top: 1px solid var(--line); display: flex; gap: 12px; }
.issues { flex: 0 1 32%; min-height: 90px; overflow: auto; border-top: 1px solid var(--line); }
.issues h3 { font-size: 12px; margin: 6px 10px; color: var(--muted); font-weight: 600; }
.issues ul { list-style: none; margin: 0; padding: 0 0 8px; }
.issue {
  display: block; width: 100%; text-align: left; border: 0; border-radius: 0; padding: 4px 10px 4px 28px;
  position: relative; background: transparent; font-size: 12.5px;
}
.issue:hover { background: #f1f3f5; }
.issue::before { position: absolute; left: 9px; top: 4px; font-weight: 700; }
.issue[data-severity="error"]::before, .issue[data-severity="syntax"]::before { content: "✕"; color: var(--error); }
.issue[data-severity="warning"]::before { content: "!"; color: var(--warn); left: 12px; }
.issue code { font-size: 11.5px; color: var(--accent); background: var(--accent-soft); padding: 0 4px; border-radius: 3px; margin-right: 6px; word-break: break-all; }
.issues .none { color: var(--ok); font-size: 12.5px; padding: 2px 10px; }
.map-scroll { flex: 1; overflow: auto; background: #fcfdfe; background-image: radial-gradient(#e3e7eb 1px, transparent 1px); background-size: 16px 16px; position: relative; }
.map-scroll.stale svg { opacity: .45; }
.map-note { position: sticky; top: 0; left: 0; margin: 0; padding: 4px 10px; font-size: 12px; background: #fff3bf; color: #7a5a00; z-index: 1; }
.map-empty { color: var(--muted); padding: 24px; text-align: center; }
svg.flow-map { display: block; margin: 8px auto; }
svg.flow-map g.node[role="button"] { cursor: pointer; }
svg.flow-map g.node[role="button"]:hover rect.box { filter: drop-shadow(0 1px 3px rgba(0,0,0,.25)); }
svg.flow-map g.node:focus { outline: none; }
svg.flow-map g.node:focus-visible rect.box { stroke: var(--accent); stroke-width: 3; }
svg.flow-map g.node.current rect.box { stroke: var(--current); stroke-width: 4; filter: drop-shadow(0 0 6px rgba(247,103,7,.55)); }
svg.flow-map g.edge:hover path.edge-line { stroke-width: 2.6; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 6px 10px; border-top: 1px solid var(--line); font-size: 11.5px; color: var(--muted); }
.legend span { display: inline-flex; align-items: center; gap: 4px; }
.zoom { display: flex; gap: 2px; }
.zoom button { padding: 2px 8px; }
.chat { flex: 1 1 55%; overflow: auto; padding: 10px; display: flex; flex-direction: column; gap: 6px; background: #f8f9fa; }
.chat .hint { color: var(--muted); font-size: 13px; text-align: center; margin: auto 12px; }
.turn { display: flex; flex-direction: column; gap: 4px; border-radius: 8px; padding: 2px; }
.turn.selected { background: #e7f5ff; }
.bubble { max-width: 88%; padding: 6px 10px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 13.5px; line-height: 1.35; }
.bubble.user { align-self: flex-end; background: var(--accent); color: #fff; border-bottom-right-radius: 3px; }
.bubble.bot { align-self: flex-start; background: #fff; border: 1px solid var(--line); border-bottom-left-radius: 3px; }
.bubble.note { align-self: center; background: #fff3bf; color: #6b4f00; font-size: 12.5px; }
.bubble.note.error { background: #ffe3e3; color: var(--error); }
.options { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
.options button { text-align: left; color: var(--accent); border-color: #b6d4da; }
.options .section { font-size: 11.5px; color: var(--muted); margin-top: 2px; }
.turn-meta { font-size: 11px; color: var(--muted); align-self: flex-start; cursor: pointer; background: none; border: 0; padding: 0 4px; }
.typing { align-self: flex-start; color: var(--muted); font-size: 12px; }
.chat-form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid var(--line); }
.chat-form input { flex: 1; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; }
.tabs { display: flex; gap: 2px; padding: 4px 8px 0; border-top: 1px solid var(--line); background: #fbfcfd; }
.tabs button { border: 1px solid transparent; border-bottom: 0; border-radius: 6px 6px 0 0; background: transparent; font-size: 12.5px; padding: 4px 10px; }
.tabs button[aria-selected="true"] { background: #fff; border-color: var(--line); font-weight: 600; }
.tab-panels { flex: 1 1 45%; overflow: auto; border-top: 1px solid var(--line); min-height: 150px; }
.tab-panel { padding: 8px 10px; font-size: 12.5px; }
.tab-panel[hidden] { display: none; }
.tab-panel .caption { color: var(--muted); font-size: 11.5px; margin: 0 0 6px; }
.trace-list { list-style: none; margin: 0; padding: 0; }
.trace-turn { margin: 0 0 8px; padding: 0; list-style: none; }
.trace-turn > h4 { margin: 0 0 2px; font-size: 12px; font-weight: 600; display: flex; gap: 6px; }
.trace-turn.selected > h4 { color: var(--accent); }
.trace-turn ol { margin: 0; padding: 0 0 0 24px; }
.trace-line { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11.5px; line-height: 1.45; }
.trace-line[data-tone="ok"] { color: var(--ok); }
.trace-line[data-tone="warn"] { color: var(--warn); }
.trace-line[data-tone="error"] { color: var(--error); }
.trace-line[data-tone="info"] { color: #343a40; }
.phone { margin: 0 auto; width: 250px; border: 8px solid #343a40; border-radius: 18px; background: #343a40; }
.phone .screen { background: #dfe8d0; color: #1b1f16; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; padding: 8px; min-height: 150px; white-space: pre-wrap; overflow-wrap: anywhere; border-radius: 6px; }
.phone .pager { display: flex; justify-content: space-between; align-items: center; color: #fff; font-size: 11.5px; padding: 6px 2px 0; }
.phone .pager button { background: #495057; color: #fff; border-color: #868e96; padding: 1px 8px; font-size: 11.5px; }
.wa { background: #e5ddd5; border-radius: 8px; padding: 8px; display: flex; flex-direction: column; gap: 6px; }
.wa .msg { background: #fff; border-radius: 8px; padding: 6px 8px; max-width: 92%; white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 1px 0 rgba(0,0,0,.1); }
.wa .wa-buttons { display: flex; flex-direction: column; gap: 2px; margin-top: 6px; border-top: 1px solid #eee; }
.wa .wa-button { color: #027eb5; text-align: center; padding: 4px; border-bottom: 1px solid #f1f1f1; }
.wa .wa-rows { margin: 6px 0 0; padding: 6px 0 0; border-top: 1px solid #eee; list-style: none; }
.wa .wa-rows li { padding: 2px 0; }
.wa .wa-rows small { display: block; color: #667781; }
.wa .wa-section { color: #008069; font-size: 11px; text-transform: uppercase; margin-top: 4px; }
.notes { background: #fff3bf; color: #6b4f00; padding: 4px 8px; border-radius: 6px; margin: 0 0 6px; font-size: 12px; }
.sms { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 8px 10px; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 92%; }
.sms-meta { color: var(--muted); margin-top: 6px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Applies the page's CSS (a constructed sheet where supported, else a style element). */
export function injectStyles(doc: Document = document): void {
  if (
    'adoptedStyleSheets' in doc &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(PLAYGROUND_CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    return;
  }
  const style = doc.createElement('style');
  style.textContent = PLAYGROUND_CSS;
  doc.head.appendChild(style);
}
