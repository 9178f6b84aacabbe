/** The widget's styles, inside its shadow root only; the host element is reset inline (see main.ts). */
export const STYLES = `
:host{all:initial}
*,*::before,*::after{box-sizing:border-box}
.root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;--accent:#1d4ed8}
button,textarea,input{font:inherit;color:inherit}
.launcher{width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);color:#fff;cursor:pointer;
 box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;transition:transform .15s}
.launcher:hover{transform:scale(1.05)}
.launcher svg{width:28px;height:28px;fill:currentColor}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.panel{position:absolute;bottom:68px;width:min(370px,calc(100vw - 16px));height:min(560px,calc(100vh - 96px));
 background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden;
 animation:rise .18s ease-out}
.panel[hidden]{display:none}
.right .panel{right:0}.left .panel{left:0}
@keyframes rise{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
.head{background:var(--accent);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}
.head h2{margin:0;font-size:16px;font-weight:600;flex:1;overflow-wrap:anywhere}
.icon{background:transparent;border:0;color:inherit;cursor:pointer;width:32px;height:32px;border-radius:6px;font-size:20px;line-height:1;
 display:flex;align-items:center;justify-content:center;padding:0}
.icon[hidden]{display:none}
.icon svg{width:20px;height:20px;fill:currentColor}
.icon[aria-pressed=true]{background:#fff;color:#b91c1c}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f8fafc}
.msg{max-width:85%;display:flex;flex-direction:column}
.msg.user{align-self:flex-end;align-items:flex-end}
.bubble{padding:8px 11px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;background:#e5e7eb}
.user .bubble{background:var(--accent);color:#fff}
.bubble a{color:inherit;text-decoration:underline}
time{font-size:11px;color:#6b7280;margin-top:2px}
.typing{padding:0 14px 6px;color:#6b7280;font-size:12px;background:#f8fafc}
.voice-status{margin:0;padding:6px 12px;background:#ecfdf5;color:#065f46;font-size:13px}
.retry{margin:0 12px}
.typing[hidden],.voice-status[hidden],.link[hidden],.notice[hidden],.form[hidden],.composer[hidden]{display:none}
.dots span{display:inline-block;width:6px;height:6px;margin-right:3px;border-radius:50%;background:#9ca3af;animation:blink 1s infinite}
.dots span:nth-child(2){animation-delay:.2s}.dots span:nth-child(3){animation-delay:.4s}
@keyframes blink{50%{opacity:.2}}
.notice{margin:0;padding:8px 12px;background:#fef3c7;color:#78350f;font-size:13px;overflow-wrap:anywhere}
.notice.error{background:#fee2e2;color:#7f1d1d}
.composer{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff;align-items:flex-end}
textarea,input{flex:1;width:100%;border:1px solid #cbd5e1;border-radius:8px;padding:8px;background:#fff;resize:none}
textarea{min-height:40px;max-height:120px}
.send,.primary{background:var(--accent);color:#fff;border:0;border-radius:8px;padding:8px 12px;cursor:pointer}
.link{background:none;border:0;color:var(--accent);text-decoration:underline;cursor:pointer;padding:4px 0}
.form{padding:12px;display:flex;flex-direction:column;gap:8px;border-top:1px solid #e5e7eb;background:#fff;overflow-y:auto}
.form label{display:flex;flex-direction:column;gap:3px;font-size:13px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:420px){.panel{position:fixed;left:8px!important;right:8px!important;width:auto;bottom:80px}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;
