import type { StreamMessage } from './event-stream';
import type { MessageView } from './render-model';
import { SessionStore, type StorageLike } from './session-store';
import { ApiError, type OutgoingMessage, type SessionAuth, type WidgetApi } from './widget-api';
import { NOTICES, WidgetController, type ChatView } from './widget-controller';

class MapStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

/** Records what the controller draws, as short strings: "bot:Hello", "user:Hi", "agent:…". */
class FakeView implements ChatView {
  readonly lines: string[] = [];
  readonly notices: (string | null)[] = [];
  readonly typing: boolean[] = [];
  /** The lines that were history drawn again (not news for the unread mark). */
  readonly redrawn: string[] = [];
  /** The visitor's lines marked not sent. */
  readonly notSent: string[] = [];
  add(v: MessageView, redraw?: boolean) {
    const text = v.blocks
      .map((b) => (b.kind === 'text' ? b.parts.map((p) => p.text).join('') : `[${b.kind}]`))
      .join(' ');
    const line = `${v.agent ? 'agent' : v.from}:${text}`;
    this.lines.push(line);
    if (redraw) this.redrawn.push(line);
    return { notSent: () => this.notSent.push(line) };
  }
  clear() {
    this.lines.length = 0;
  }
  setTyping(on: boolean) {
    this.typing.push(on);
  }
  notice(text: string | null) {
    this.notices.push(text);
  }
}

type Step = (arg?: unknown) => unknown;

/** A scripted API: each method answers with the next step queued for it, or throws. */
function fakeApi(script: Partial<Record<'history' | 'createSession' | 'sendMessage', Step[]>>) {
  const calls: [string, unknown][] = [];
  const next = async (name: keyof typeof script, arg: unknown) => {
    calls.push([name, arg]);
    const step = script[name]?.shift();
    if (!step) throw new Error(`unexpected ${name}`);
    return step(arg);
  };
  const api = {
    history: (s: SessionAuth) => next('history', s.session_id),
    createSession: (v?: string) => next('createSession', v),
    sendMessage: (s: SessionAuth, body: OutgoingMessage) =>
      next('sendMessage', { sid: s.session_id, ...body }),
  } as unknown as WidgetApi;
  return { api, calls };
}

const created =
  (sid: string, text = 'Welcome') =>
  () => ({
    session_id: sid,
    visitor_id: 'v_visitor1',
    visitor_token: `tok-${sid}`,
    messages: [{ type: 'buttons', text, buttons: [{ id: 'a', title: 'Alpha' }] }],
    status: 'ACTIVE',
  });
const fail =
  (status: number, retryAfterMs: number | null = null) =>
  () => {
    throw new ApiError(status, retryAfterMs);
  };

function setup(script: Parameters<typeof fakeApi>[0], stored?: object) {
  const storage = new MapStorage();
  if (stored) storage.setItem('sarufi-widget:wk_k', JSON.stringify(stored));
  const store = new SessionStore('wk_k', storage);
  const view = new FakeView();
  const { api, calls } = fakeApi(script);
  const streams: {
    sid: string;
    lastId: string | undefined;
    push(m: StreamMessage): void;
    stopped: boolean;
  }[] = [];
  const sleeps: number[] = [];
  const announced: string[] = [];
  const controller = new WidgetController({
    announce: () => announced.push('changed'),
    api,
    store,
    view,
    openStream: (s, lastId, h) => {
      const handle = {
        sid: s.session_id,
        lastId,
        push: h.onMessage,
        stopped: false,
        stop: () => (handle.stopped = true),
      };
      streams.push(handle);
      return handle;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { controller, view, store, storage, calls, streams, sleeps, announced };
}

const STORED = { visitor_id: 'v_visitor1', session_id: '01OLD', visitor_token: 'tok-old' };

describe('WidgetController', () => {
  it('should start a session on first open, store it, draw the greeting and listen for events', async () => {
    const t = setup({ createSession: [created('01NEW')] });
    await expect(t.controller.resume()).resolves.toBe(false);
    await t.controller.ensureSession();
    await t.controller.ensureSession(); // once only
    expect(t.calls).toEqual([['createSession', undefined]]);
    expect(t.view.lines).toEqual(['bot:Welcome [choices]']);
    expect(JSON.parse(t.storage.getItem('sarufi-widget:wk_k')!)).toEqual({
      visitor_id: 'v_visitor1',
      session_id: '01NEW',
      visitor_token: 'tok-01NEW',
    });
    expect(t.streams).toEqual([expect.objectContaining({ sid: '01NEW', lastId: undefined })]);
    expect(t.view.typing).toEqual([true, false]);
  });

  it('should redraw a stored live session after a reload and resume events after its last message', async () => {
    const t = setup(
      {
        history: [
          () => ({
            status: 'AGENT_ACTIVE',
            data: [
              {
                id: '01A',
                direction: 'outbound',
                message: { type: 'text', text: 'Hello' },
                responder: 'BOT',
              },
              {
                id: '01B',
                direction: 'inbound',
                message: { type: 'button', text: 'Alpha', button_id: 'a' },
              },
              {
                id: '01C',
                direction: 'outbound',
                message: { type: 'text', text: 'Amina here' },
                responder: 'HUMAN',
              },
            ],
          }),
        ],
      },
      STORED,
    );
    await expect(t.controller.resume()).resolves.toBe(true);
    await t.controller.ensureSession();
    expect(t.calls).toEqual([['history', '01OLD']]);
    expect(t.view.lines).toEqual(['bot:Hello', 'user:Alpha', 'agent:Amina here']);
    expect(t.view.redrawn).toEqual(t.view.lines);
    expect(t.streams.map((s) => [s.sid, s.lastId])).toEqual([['01OLD', '01C']]);

    // the stream repeats one it already drew (a reconnect race): drawn once only
    t.streams[0].push({
      id: '01C',
      message: { type: 'text', text: 'Amina here' },
      responder: 'HUMAN',
    });
    t.streams[0].push({
      id: '01D',
      message: { type: 'text', text: 'How can I help?' },
      responder: 'HUMAN',
    });
    t.streams[0].push({
      id: '01D',
      message: { type: 'text', text: 'How can I help?' },
      responder: 'HUMAN',
    });
    expect(t.view.lines.slice(3)).toEqual(['agent:How can I help?']);
    expect(t.view.redrawn).toHaveLength(3);
  });

  it('should tell the other tabs of each turn, and redraw when another tab changed the conversation', async () => {
    const line = (id: string, direction: string, text: string) => ({
      id,
      direction,
      message: { type: 'text', text },
      ...(direction === 'outbound' ? { responder: 'BOT' } : {}),
    });
    const t = setup(
      {
        history: [
          () => ({ status: 'ACTIVE', data: [line('01A', 'outbound', 'Hello')] }),
          // another tab answered: its turn never comes over this tab's stream
          () => ({
            status: 'ACTIVE',
            data: [
              line('01A', 'outbound', 'Hello'),
              line('01B', 'inbound', 'from the other tab'),
              line('01C', 'outbound', 'Its answer'),
            ],
          }),
          // then the other tab started a new session (the old one had ended)
          () => ({ status: 'ACTIVE', data: [line('01N', 'outbound', 'Welcome back')] }),
        ],
        sendMessage: [() => ({ session_id: '01OLD', messages: [{ type: 'text', text: 'Ok' }] })],
      },
      STORED,
    );
    await t.controller.resume();
    await t.controller.send({ message: 'mine' });
    expect(t.announced).toEqual(['changed']);

    await t.controller.resync();
    expect(t.view.lines).toEqual(['bot:Hello', 'user:from the other tab', 'bot:Its answer']);
    // the stream resumes after the history drawn: a message pushed meanwhile comes again
    expect(t.streams.map((s) => [s.sid, s.lastId, s.stopped])).toEqual([
      ['01OLD', '01A', true],
      ['01OLD', '01C', false],
    ]);

    t.store.save({ visitor_id: 'v_visitor1', session_id: '01NEW', visitor_token: 'tok-new' });
    await t.controller.resync();
    expect(t.calls.at(-1)).toEqual(['history', '01NEW']);
    expect(t.view.lines).toEqual(['bot:Welcome back']);
    expect(t.controller.sessionId).toBe('01NEW');
    expect(t.streams.at(-1)).toEqual(
      expect.objectContaining({ sid: '01NEW', lastId: '01N', stopped: false }),
    );
    expect(t.announced).toEqual(['changed']); // a redraw is no news for the other tabs
  });

  it('should start afresh, keeping the visitor id, when the stored session ended or is unknown', async () => {
    for (const history of [() => ({ status: 'CLOSED', data: [] }), fail(404)]) {
      const t = setup({ history: [history], createSession: [created('01NEW')] }, STORED);
      await expect(t.controller.resume()).resolves.toBe(false);
      expect(t.view.lines).toEqual([]);
      await t.controller.ensureSession();
      expect(t.calls).toEqual([
        ['history', '01OLD'],
        ['createSession', 'v_visitor1'],
      ]);
      expect(t.controller.sessionId).toBe('01NEW');
    }
  });

  it('should try the stored session again on open after a transient failure', async () => {
    const t = setup(
      {
        history: [
          fail(0),
          () => ({
            status: 'ACTIVE',
            data: [{ id: '01A', direction: 'outbound', message: { type: 'text', text: 'Hi' } }],
          }),
        ],
      },
      STORED,
    );
    await expect(t.controller.resume()).resolves.toBe(false);
    expect(t.store.load().session_id).toBe('01OLD');
    await t.controller.ensureSession();
    expect(t.controller.sessionId).toBe('01OLD');
    expect(t.view.lines).toEqual(['bot:Hi']);
  });

  it('should send a pressed button as title and id, and draw the answer after the visitor’s bubble', async () => {
    const t = setup({
      createSession: [created('01NEW')],
      sendMessage: [
        () => ({ session_id: '01NEW', messages: [{ type: 'text', text: 'You chose Alpha' }] }),
      ],
    });
    await t.controller.resume();
    await t.controller.ensureSession();
    await t.controller.send({ message: ' Alpha ', button_id: 'a' });
    expect(t.calls[1]).toEqual(['sendMessage', { sid: '01NEW', message: 'Alpha', button_id: 'a' }]);
    expect(t.view.lines).toEqual(['bot:Welcome [choices]', 'user:Alpha', 'bot:You chose Alpha']);
  });

  it('should send messages one at a time in the order typed, starting the session first', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup({
      createSession: [created('01NEW')],
      sendMessage: [
        async (b) => {
          order.push(`start ${(b as OutgoingMessage).message}`);
          await gate;
          order.push('end one');
          return { messages: [{ type: 'text', text: 'r1' }] };
        },
        (b) => {
          order.push(`start ${(b as OutgoingMessage).message}`);
          return { messages: [{ type: 'text', text: 'r2' }] };
        },
      ],
    });
    await t.controller.resume();
    const one = t.controller.send({ message: 'one' });
    const two = t.controller.send({ message: 'two' });
    expect(t.controller.send({ message: '   ' })).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([one, two]);
    expect(order).toEqual(['start one', 'end one', 'start two']);
    expect(t.view.lines).toEqual([
      'user:one',
      'user:two',
      'bot:Welcome [choices]',
      'bot:r1',
      'bot:r2',
    ]);
  });

  it('should start a new session and tell the visitor when the session is gone (410)', async () => {
    const t = setup({
      createSession: [created('01NEW'), created('01NEWER', 'Welcome back')],
      sendMessage: [fail(410)],
    });
    await t.controller.resume();
    await t.controller.ensureSession();
    await t.controller.send({ message: 'hello?' });
    expect(t.view.notices).toContain(NOTICES.restarted);
    expect(t.view.lines).toEqual([
      'bot:Welcome [choices]',
      'user:hello?',
      'bot:Welcome back [choices]',
    ]);
    expect(t.controller.sessionId).toBe('01NEWER');
    expect(t.store.load()).toMatchObject({ session_id: '01NEWER', visitor_token: 'tok-01NEWER' });
    expect(t.streams.map((s) => [s.sid, s.stopped])).toEqual([
      ['01NEW', true],
      ['01NEWER', false],
    ]);
    // not marked: its question belonged to the ended session, and the notice says so
    expect(t.view.notSent).toEqual([]);
  });

  it('should wait out a 429 for its Retry-After, say so, then send again', async () => {
    const t = setup({
      createSession: [created('01NEW')],
      sendMessage: [fail(429, 3000), () => ({ messages: [{ type: 'text', text: 'ok' }] })],
    });
    await t.controller.resume();
    await t.controller.send({ message: 'hi' });
    expect(t.sleeps).toEqual([3000]);
    expect(t.view.notices[0]).toBe(NOTICES.slowDown(3));
    expect(t.view.notices.at(-1)).toBeNull();
    expect(t.view.lines).toEqual(['user:hi', 'bot:Welcome [choices]', 'bot:ok']);
    // the typing indicator is off while waiting, and on while each request runs
    expect(t.view.typing).toEqual([true, false, true, false, true, false]);
  });

  it('should give up after a few 429s, and report other failures', async () => {
    const t = setup({
      createSession: [created('01NEW')],
      sendMessage: [
        fail(429, 1000),
        fail(429, 1000),
        fail(429, 1000),
        fail(429, 1000),
        fail(0),
        fail(500),
      ],
    });
    await t.controller.resume();
    await t.controller.send({ message: 'a' });
    expect(t.sleeps).toEqual([1000, 1000, 1000]);
    expect(t.view.notices.at(-1)).toBe(NOTICES.failed);
    await t.controller.send({ message: 'b' });
    expect(t.view.notices.at(-1)).toBe(NOTICES.offline);
    await t.controller.send({ message: 'c' });
    expect(t.view.notices.at(-1)).toBe(NOTICES.failed);
    // each one is marked, so the visitor can send it (or press its choice) again
    expect(t.view.notSent).toEqual(['user:a', 'user:b', 'user:c']);
  });

  it('should say the chat is unavailable when no session can be started', async () => {
    const t = setup({ createSession: [fail(500)] });
    await t.controller.resume();
    await expect(t.controller.ensureSession()).resolves.toBeNull();
    expect(t.view.notices).toEqual([NOTICES.unavailable]);
  });
});
