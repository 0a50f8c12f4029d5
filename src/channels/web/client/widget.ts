import { themeColors } from './contrast';
import { EventStream } from './event-stream';
import { readScriptConfig, type ScriptConfig } from './script-config';
import { SessionStore, type StorageLike } from './session-store';
import { WidgetApi, type WidgetConfig } from './widget-api';
import { WidgetController } from './widget-controller';
import { WidgetView } from './widget-view';

/**
 * The embeddable chat widget (GET /widget.js). Embedding is one tag:
 *   <script src="https://<gateway>/widget.js" data-widget-key="wk_…" async></script>
 */
function boot(): void {
  // currentScript is set while this (async) script runs; the selector covers odd loaders.
  const current = document.currentScript;
  const script =
    current instanceof HTMLScriptElement && current.dataset.widgetKey
      ? current
      : document.querySelector<HTMLScriptElement>('script[data-widget-key]');
  const config = readScriptConfig(script?.src, script?.dataset.widgetKey);
  if (!config) {
    console.warn('[sarufi-widget] add data-widget-key="wk_…" to the widget.js script tag');
    return;
  }
  // Two copies of the tag must not draw two widgets talking on the same stored session.
  const flags = window as unknown as Record<string, unknown>;
  const flag = `__sarufiWidget:${config.widgetKey}`;
  if (flags[flag]) return;
  flags[flag] = true;
  void start(config);
}

async function start({ gateway, widgetKey }: ScriptConfig): Promise<void> {
  const api = new WidgetApi(gateway, widgetKey);
  let theme: WidgetConfig;
  try {
    theme = await api.config();
  } catch (e) {
    // Unknown key (404) or a page origin the integration does not allow (403 / CORS).
    console.warn('[sarufi-widget] the gateway refused this widget key on this site', e);
    return;
  }
  if (document.readyState === 'loading') {
    await new Promise((resolve) =>
      document.addEventListener('DOMContentLoaded', resolve, { once: true }),
    );
  }

  const store = new SessionStore(widgetKey, localStorageOrNull());
  const firstVisit = !store.load().visitor_id;
  // The visitor's tabs share the stored session; each tells the others when a turn ran or a
  // new session started, so none keeps showing (and answering) a stale question.
  const tabs =
    typeof BroadcastChannel === 'function' ? new BroadcastChannel(store.storageKey) : null;
  let controller: WidgetController | null = null;
  const view = new WidgetView(document, {
    title: theme.title,
    colors: themeColors(theme.primary_color),
    position: theme.position === 'left' ? 'left' : 'right',
    onOpen: () => void controller?.ensureSession(),
    onSend: (message) => void controller?.send(message),
  });
  controller = new WidgetController({
    api,
    store,
    view,
    announce: () => tabs?.postMessage('changed'),
    openStream: (session, lastEventId, handlers) => {
      const stream = new EventStream({
        url: api.eventsUrl(session.session_id),
        token: session.visitor_token,
        lastEventId,
        onMessage: handlers.onMessage,
      });
      void stream.start();
      return stream;
    },
  });
  tabs?.addEventListener('message', () => void controller?.resync());
  view.mount();
  await controller.resume();
  if (theme.start_open && firstVisit) view.open(false);
}

/** localStorage, or null where reading it throws (sandboxed frames, blocked storage). */
function localStorageOrNull(): StorageLike | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

boot();
