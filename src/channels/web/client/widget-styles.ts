import type { ThemeColors } from './contrast';

/**
 * The widget's stylesheet, scoped by its shadow root. Colours come only from themeColors(),
 * which accepts nothing but `#rrggbb`, so no theme value can inject CSS.
 * Greys were picked for WCAG AA on white: #1a1a1a text, #595f63 secondary text (6.4:1),
 * #6b7378 input border (4.8:1, over the 3:1 for controls).
 */
export function widgetCss(c: ThemeColors): string {
  return `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{--p:${c.primary};--on:${c.onPrimary};--accent:${c.accent};font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;-webkit-font-smoothing:antialiased}
button,input{font:inherit;color:inherit}
:focus{outline:none}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;bottom:20px;right:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;background:var(--p);color:var(--on);cursor:pointer;display:flex;align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.28);transition:transform .15s}
.launcher:hover{transform:scale(1.05)}
.launcher:focus-visible{outline:3px solid #1a1a1a;box-shadow:0 0 0 3px #fff,0 4px 14px rgba(0,0,0,.28)}
.launcher.unread::after{content:"";position:absolute;top:4px;right:4px;width:14px;height:14px;border-radius:50%;background:#c92a2a;border:2px solid #fff}
.left .launcher{left:20px;right:auto}
.panel{position:fixed;bottom:92px;right:20px;z-index:2147483001;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 10px 40px rgba(0,0,0,.28)}
.left .panel{left:20px;right:auto}
.header{display:flex;align-items:center;gap:8px;padding:10px 8px 10px 16px;background:var(--p);color:var(--on)}
.title{flex:1;margin:0;font-size:16px;font-weight:600;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.close{flex:none;width:40px;height:40px;border:0;border-radius:8px;background:transparent;color:var(--on);cursor:pointer;display:flex;align-items:center;justify-content:center}
.close:hover{background:rgba(255,255,255,.15)}
.close:focus-visible{outline-color:var(--on);outline-offset:-3px}
.log{flex:1;overflow-y:auto;padding:14px 12px;display:flex;flex-direction:column;gap:8px;background:#f3f5f6;overscroll-behavior:contain}
.log:focus-visible{outline-offset:-3px}
.msg{position:relative;max-width:85%;padding:8px 12px;border-radius:14px;overflow-wrap:anywhere}
.msg.bot{align-self:flex-start;background:#fff;border:1px solid #d5dadc;border-bottom-left-radius:4px}
.msg.user{align-self:flex-end;background:var(--p);color:var(--on);border-bottom-right-radius:4px}
.msg.user :focus-visible{outline-color:var(--on)}
.agent{display:block;font-size:12px;font-weight:600;color:#595f63;margin-bottom:2px}
.text{margin:0;white-space:pre-wrap}
.failed-mark{display:block;margin-top:4px;font-size:12px;font-style:italic}
.text+.text{margin-top:6px}
.msg a{color:inherit;text-decoration:underline}
.choices{display:flex;flex-direction:column;gap:6px;margin-top:8px}
.section{font-size:12px;font-weight:600;color:#595f63;text-transform:uppercase;letter-spacing:.03em;margin-top:4px}
.choice{display:block;width:100%;text-align:start;padding:8px 12px;border:1.5px solid var(--accent);border-radius:10px;background:#fff;color:var(--accent);font-weight:600;cursor:pointer}
.choice:hover:not(:disabled){background:var(--p);color:var(--on)}
.choice:disabled{cursor:default;border-color:#c5cbce;color:#595f63;font-weight:400}
.choice-desc{display:block;font-size:13px;font-weight:400;color:#595f63}
.choice:hover:not(:disabled) .choice-desc{color:inherit}
.media{display:block;max-width:100%;max-height:260px;border-radius:8px;margin:2px 0}
.audio{display:block;width:240px;max-width:100%}
.file{display:inline-flex;align-items:center;gap:6px}
.file svg{flex:none}
.typing{display:flex;gap:5px;align-items:center;padding:6px 18px 10px;background:#f3f5f6}
.typing span{width:8px;height:8px;border-radius:50%;background:#595f63;animation:dot 1.2s infinite ease-in-out}
.typing span:nth-child(2){animation-delay:.15s}
.typing span:nth-child(3){animation-delay:.3s}
@keyframes dot{0%,60%,100%{opacity:.35;transform:translateY(0)}30%{opacity:1;transform:translateY(-3px)}}
.notice{padding:6px 14px;font-size:13px;background:#fff4db;color:#4d3500;border-top:1px solid #f0d9a8}
.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #d5dadc;background:#fff}
.input{flex:1;min-width:0;padding:10px 12px;border:1px solid #6b7378;border-radius:10px;background:#fff;color:#1a1a1a}
.input::placeholder{color:#595f63}
.input:focus-visible{outline-offset:0}
.send{flex:none;width:44px;border:0;border-radius:10px;background:var(--p);color:var(--on);cursor:pointer;display:flex;align-items:center;justify-content:center}
@media (max-width:480px){.root .panel{top:0;left:0;right:0;bottom:0;width:100%;max-width:none;height:auto;max-height:none;border-radius:0}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}.launcher{transition:none}}
`;
}
