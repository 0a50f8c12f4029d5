import {
  ApiError,
  PlaygroundApi,
  type Chatbot,
  type FlowDetail,
  type FlowSummary,
  type FlowVersion,
  type Issue,
} from './api-client';
import { debounce } from './debounce';
import { describeError as describe } from './describe-error';
import { byId, h, replaceChildren } from './dom';
import { createIssuesView, validationIssues, type ShownIssue } from './issues-view';
import { createJsonEditor, type EditorProblem } from './json-editor';
import { locateJsonPath } from './json-locate';
import { JsonSyntaxError, parseJsonTree, type JsonNode } from './json-tree';
import { keyStore } from './key-store';
import { createMapView } from './map-view';
import { injectStyles } from './styles';
import { createPreviewController } from './preview-controller';

/**
 * The playground page (web.md › The playground): pick a chatbot and a flow, edit its JSON with
 * validation as you type, see it as a map, chat with the draft in a preview session with the
 * engine's trace and the USSD / WhatsApp / SMS renderings of each reply, then publish.
 */

/** How long typing must pause before the flow is checked again. */
const VALIDATE_DELAY_MS = 300;

function main(): void {
  injectStyles();
  const el = {
    keyForm: byId<HTMLFormElement>('key-form'),
    keyInput: byId<HTMLInputElement>('api-key'),
    forget: byId<HTMLButtonElement>('forget-key'),
    status: byId('status'),
    chatbotList: byId('chatbot-list'),
    flowList: byId('flow-list'),
    versionList: byId('version-list'),
    flowTitle: byId('flow-title'),
    dirty: byId('dirty'),
    save: byId<HTMLButtonElement>('save'),
    publish: byId<HTMLButtonElement>('publish'),
    preview: byId<HTMLButtonElement>('preview'),
    cursor: byId('cursor-position'),
    flowMeta: byId('flow-meta'),
    sessionState: byId('session-state'),
    restart: byId<HTMLButtonElement>('restart'),
    chatForm: byId<HTMLFormElement>('chat-form'),
    chatInput: byId<HTMLInputElement>('chat-input'),
    chatSend: byId<HTMLButtonElement>('chat-send'),
  };

  const state = {
    api: null as PlaygroundApi | null,
    chatbots: [] as Chatbot[],
    chatbotId: null as string | null,
    flows: [] as FlowSummary[],
    flow: null as FlowDetail | null,
    savedText: '',
    checkSeq: 0,
    openSeq: 0,
  };

  // ---- views -------------------------------------------------------------------------------

  const setStatus = (text: string, tone: 'info' | 'error' = 'info') => {
    el.status.textContent = text;
    el.status.dataset.tone = tone;
    el.status.title = text;
  };

  const editor = createJsonEditor(
    byId('editor'),
    (text) => {
      updateDirty();
      scheduleCheck(text);
    },
    (line, column) => {
      el.cursor.textContent = `Ln ${line}, Col ${column}`;
    },
  );

  const issues = createIssuesView(byId('issues'), byId('issues-title'), (issue) => reveal(issue));
  const map = createMapView(byId('map'), byId('zoom'), byId('legend'), (path) =>
    reveal({ severity: 'warning', path, message: '' }),
  );
  const preview = createPreviewController(
    {
      chat: byId('chat'),
      tabs: byId('tabs'),
      tabPanels: byId('tab-panels'),
      preview: el.preview,
      restart: el.restart,
      sessionState: el.sessionState,
      chatForm: el.chatForm,
      chatInput: el.chatInput,
      chatSend: el.chatSend,
    },
    { api: () => state.api, flow: () => state.flow, save, issues, map },
  );

  // ---- API key -----------------------------------------------------------------------------

  el.keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = el.keyInput.value.trim();
    if (key !== '') void connect(key);
  });
  el.forget.addEventListener('click', () => {
    if (!confirmLeave()) return;
    keyStore.clear();
    state.api = null;
    el.keyInput.value = '';
    el.forget.hidden = true;
    replaceChildren(
      el.chatbotList,
      h('li', { class: 'empty' }, 'Enter an API key to list your chatbots.'),
    );
    replaceChildren(el.flowList);
    replaceChildren(el.versionList);
    closeFlow();
    setStatus('Key forgotten.');
  });

  async function connect(key: string): Promise<void> {
    const api = new PlaygroundApi(key);
    setStatus('Connecting…');
    let chatbots: Chatbot[];
    try {
      chatbots = await api.chatbots();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        keyStore.clear();
        setStatus('That API key was refused: it is unknown, revoked or mistyped.', 'error');
      } else setStatus(`Could not list chatbots: ${describe(err)}`, 'error');
      return;
    }
    state.api = api;
    keyStore.set(key);
    el.keyInput.value = key;
    el.forget.hidden = false;
    state.chatbots = chatbots;
    renderChatbots();
    setStatus(`Connected: ${chatbots.length} chatbot${chatbots.length === 1 ? '' : 's'}.`);
    const wanted = new URLSearchParams(location.hash.slice(1));
    const bot = wanted.get('chatbot');
    if (bot && chatbots.some((c) => c.id === bot)) {
      await selectChatbot(bot);
      const flow = wanted.get('flow');
      if (flow && state.flows.some((f) => f.id === flow)) await openFlow(flow);
    } else if (chatbots.length === 1) await selectChatbot(chatbots[0].id);
  }

  // ---- chatbots, flows, versions -------------------------------------------------------------

  function renderChatbots(): void {
    if (state.chatbots.length === 0) {
      replaceChildren(
        el.chatbotList,
        h('li', { class: 'empty' }, 'This workspace has no chatbots yet.'),
      );
      return;
    }
    replaceChildren(
      el.chatbotList,
      ...state.chatbots.map((bot) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              'data-testid': 'chatbot-item',
              'data-id': bot.id,
              'aria-current': bot.id === state.chatbotId ? 'true' : undefined,
              onclick: () => void selectChatbot(bot.id),
            },
            bot.name,
          ),
        ),
      ),
    );
  }

  async function selectChatbot(id: string): Promise<void> {
    const api = state.api;
    if (!api || !confirmLeave()) return;
    closeFlow();
    state.chatbotId = id;
    renderChatbots();
    replaceChildren(el.flowList, h('li', { class: 'empty' }, 'Loading…'));
    try {
      state.flows = await api.flows(id);
    } catch (err) {
      replaceChildren(
        el.flowList,
        h('li', { class: 'empty' }, `Could not list flows: ${describe(err)}`),
      );
      return;
    }
    renderFlows();
    setHash();
  }

  function renderFlows(): void {
    if (state.flows.length === 0) {
      replaceChildren(
        el.flowList,
        h('li', { class: 'empty' }, 'No flows: create one with POST …/flows.'),
      );
      return;
    }
    replaceChildren(
      el.flowList,
      ...state.flows.map((flow) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              'data-testid': 'flow-item',
              'data-id': flow.id,
              'data-status': flow.status,
              'aria-current': flow.id === state.flow?.id ? 'true' : undefined,
              onclick: () => void openFlow(flow.id),
            },
            h('span', {}, flow.name),
            flow.type === 'meta' ? h('span', { class: 'badge' }, 'meta') : null,
            h('span', { class: `badge ${flow.status}` }, flow.status),
          ),
        ),
      ),
    );
  }

  async function refreshFlows(): Promise<void> {
    if (!state.api || !state.chatbotId) return;
    try {
      state.flows = await state.api.flows(state.chatbotId);
      renderFlows();
    } catch {
      // The list stays as it was; the next action reports a broken connection.
    }
  }

  async function openFlow(id: string): Promise<void> {
    const api = state.api;
    const chatbotId = state.chatbotId;
    if (!api || !chatbotId || !confirmLeave()) return;
    const seq = ++state.openSeq;
    setStatus('Opening the flow…');
    let flow: FlowDetail;
    try {
      flow = await api.flow(chatbotId, id);
    } catch (err) {
      setStatus(`Could not open the flow: ${describe(err)}`, 'error');
      return;
    }
    if (seq !== state.openSeq) return;
    state.flow = flow;
    const text = JSON.stringify(flow.flow ?? {}, null, 2);
    state.savedText = text;
    editor.setText(text);
    el.flowTitle.textContent = flow.name;
    renderFlowMeta();
    renderFlows();
    updateDirty();
    preview.reset();
    el.save.disabled = false;
    el.publish.disabled = false;
    el.preview.disabled = flow.type !== 'conversation';
    setHash();
    setStatus(`Opened “${flow.name}”.`);
    check.cancel();
    void runCheck(text);
    void loadVersions();
  }

  function closeFlow(): void {
    state.flow = null;
    state.savedText = '';
    check.cancel();
    state.checkSeq++;
    editor.setText('');
    el.flowTitle.textContent = 'No flow open';
    el.flowMeta.textContent = '';
    el.save.disabled = true;
    el.publish.disabled = true;
    el.preview.disabled = true;
    updateDirty();
    issues.message('Problems');
    map.empty('Open a flow to see its map.');
    replaceChildren(el.versionList);
    preview.reset();
  }

  function renderFlowMeta(): void {
    const f = state.flow;
    if (!f) return;
    el.flowMeta.textContent = `${f.type} flow · ${f.status}${f.published_at ? ` · published ${when(f.published_at)}` : ''}`;
  }

  async function loadVersions(): Promise<void> {
    const api = state.api;
    const flow = state.flow;
    if (!api || !flow) return;
    let versions: FlowVersion[];
    try {
      versions = await api.versions(flow.chatbot_id, flow.id);
    } catch (err) {
      replaceChildren(
        el.versionList,
        h('li', { class: 'empty' }, `Could not list versions: ${describe(err)}`),
      );
      return;
    }
    if (state.flow?.id !== flow.id) return;
    if (versions.length === 0) {
      replaceChildren(
        el.versionList,
        h('li', { class: 'empty', 'data-testid': 'no-versions' }, 'Not published yet.'),
      );
      return;
    }
    replaceChildren(
      el.versionList,
      ...[...versions]
        .sort((a, b) => b.version - a.version)
        .map((v) =>
          h(
            'li',
            { class: 'version-item', 'data-testid': 'version-item', 'data-version': v.version },
            h('strong', {}, `v${v.version}`),
            h('time', { datetime: v.published_at }, when(v.published_at)),
          ),
        ),
    );
  }

  // ---- editing and checking ------------------------------------------------------------------

  const dirty = () => state.flow !== null && editor.text() !== state.savedText;

  function updateDirty(): void {
    el.dirty.hidden = !dirty();
  }

  function confirmLeave(): boolean {
    return !dirty() || window.confirm('The flow has unsaved changes. Leave them?');
  }

  window.addEventListener('beforeunload', (event) => {
    if (dirty()) event.preventDefault();
  });

  const check = debounce((text: string) => void runCheck(text), VALIDATE_DELAY_MS);

  function scheduleCheck(text: string): void {
    if (state.flow) check(text);
  }

  /**
   * Checks the editor's text: JSON syntax here (with its position), then the map, then the
   * server's validator on the parsed definition. Answers to older texts are dropped.
   */
  async function runCheck(text: string): Promise<void> {
    const flow = state.flow;
    const api = state.api;
    if (!flow || !api) return;
    const seq = ++state.checkSeq;
    let tree: JsonNode;
    try {
      tree = parseJsonTree(text);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      const position = `line ${err.line}, column ${err.column}`;
      issues.show(
        [{ severity: 'syntax', message: err.message, offset: err.offset, position }],
        'JSON syntax',
      );
      editor.showProblems([
        { from: err.offset, to: err.offset + 1, severity: 'error', message: err.message },
      ]);
      map.stale(`The JSON does not parse (${position}): the map shows the last valid version.`);
      return;
    }
    const definition: unknown = JSON.parse(text);
    if (flow.type === 'conversation') map.show(definition);
    else map.empty('Meta flows (WhatsApp UI Flows) are not run by the engine: no map.');
    issues.message('Checking…');
    let report;
    try {
      report = await api.validate(flow.chatbot_id, flow.id, definition);
    } catch (err) {
      if (seq === state.checkSeq)
        issues.message(`The server could not check the flow: ${describe(err)}`, 'error');
      return;
    }
    if (seq !== state.checkSeq) return;
    const shown = validationIssues(report.errors ?? [], report.warnings ?? []);
    issues.show(shown, 'Validation');
    if (editor.text() === text) editor.showProblems(locate(shown, tree, text));
  }

  /** Underlines findings in the editor, when `text` (what they are about) parses. */
  function showLocated(shown: ShownIssue[], text: string): void {
    try {
      editor.showProblems(locate(shown, parseJsonTree(text), text));
    } catch {
      // Text that does not parse has its syntax error shown instead.
    }
  }

  /** Issues with a path, placed in the text they were found in. */
  function locate(shown: ShownIssue[], tree: JsonNode, text: string): EditorProblem[] {
    const out: EditorProblem[] = [];
    for (const issue of shown) {
      if (issue.path === undefined) continue;
      const at = locateJsonPath(tree, issue.path);
      if (!at) continue;
      // A scalar is marked whole; an object or list (or a missing part: the deepest part that
      // exists) by its key, so that a finding about a big block does not underline all of it.
      const first = text.charAt(at.valueFrom);
      const container = first === '{' || first === '[';
      const [from, to] = at.exact && !container ? [at.valueFrom, at.valueTo] : [at.from, at.to];
      out.push({
        from,
        to,
        severity: issue.severity === 'warning' ? 'warning' : 'error',
        message: `${issue.path}: ${issue.message}`,
      });
    }
    return out;
  }

  /** Puts the cursor where an issue (or a state of the map) is in the JSON. */
  function reveal(issue: ShownIssue): void {
    if (issue.offset !== undefined) {
      editor.select(issue.offset);
      return;
    }
    if (issue.path === undefined) return;
    const at = locateJsonPath(editor.text(), issue.path);
    if (!at) {
      setStatus(
        'Fix the JSON syntax first: the place cannot be found in text that does not parse.',
        'error',
      );
      return;
    }
    editor.select(at.from, at.to);
    if (!at.exact)
      setStatus(
        `“${issue.path}” is not written in the flow: the cursor is on the nearest part that is.`,
      );
  }

  // ---- save, publish -----------------------------------------------------------------------

  el.save.addEventListener('click', () => void save());
  el.publish.addEventListener('click', () => void publish());
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      if (state.flow) void save();
    }
  });

  /** Stores the editor's text as the draft; false (with the reason shown) when it cannot. */
  async function save(): Promise<boolean> {
    const api = state.api;
    const flow = state.flow;
    if (!api || !flow) return false;
    const text = editor.text();
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch {
      setStatus('The JSON has a syntax error: fix it before saving.', 'error');
      check.flush();
      return false;
    }
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      setStatus('A flow must be a JSON object ({…}).', 'error');
      return false;
    }
    el.save.disabled = true;
    try {
      const saved = await api.save(flow.chatbot_id, flow.id, definition);
      if (state.flow?.id === flow.id) {
        state.flow = { ...flow, ...saved, flow: definition };
        state.savedText = text;
        updateDirty();
        renderFlowMeta();
      }
      setStatus('Draft saved.');
      return true;
    } catch (err) {
      setStatus(`Could not save: ${describe(err)}`, 'error');
      if (err instanceof ApiError && err.errors.length > 0)
        issues.show(validationIssues(err.errors, []), 'Save refused');
      return false;
    } finally {
      el.save.disabled = state.flow === null;
    }
  }

  async function publish(): Promise<void> {
    const api = state.api;
    const flow = state.flow;
    if (!api || !flow) return;
    if (dirty() && !(await save())) return;
    // What publishing says about this text replaces a check of it still pending (which would
    // otherwise overwrite the refusal a moment later).
    check.cancel();
    const text = editor.text();
    el.publish.disabled = true;
    try {
      const result = await api.publish(flow.chatbot_id, flow.id);
      setStatus(`Published version ${result.version}.`);
      if (state.flow?.id === flow.id) {
        state.flow = { ...state.flow, status: 'published', published_at: result.published_at };
        renderFlowMeta();
      }
      void runCheck(text);
      await Promise.all([loadVersions(), refreshFlows()]);
    } catch (err) {
      // The server refuses a flow with errors with their list (400 today; 422 is accepted too).
      if (
        err instanceof ApiError &&
        (err.status === 400 || err.status === 422) &&
        err.errors.length > 0
      ) {
        state.checkSeq++;
        const warnings = (err.body as { warnings?: unknown } | undefined)?.warnings;
        const shown = validationIssues(
          err.errors,
          Array.isArray(warnings) ? (warnings as Issue[]) : [],
        );
        issues.show(shown, 'Publish refused');
        if (editor.text() === text) showLocated(shown, text);
        setStatus(`Publish refused: ${err.detail}`, 'error');
      } else setStatus(`Could not publish: ${describe(err)}`, 'error');
    } finally {
      el.publish.disabled = state.flow === null;
    }
  }

  // ---- start -------------------------------------------------------------------------------

  function setHash(): void {
    const params = new URLSearchParams();
    if (state.chatbotId) params.set('chatbot', state.chatbotId);
    if (state.flow) params.set('flow', state.flow.id);
    history.replaceState(null, '', `#${params.toString()}`);
  }

  const stored = keyStore.get();
  if (stored) void connect(stored);
  else el.keyInput.focus();
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

main();
