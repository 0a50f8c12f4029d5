import { SessionStore, type StorageLike } from './session-store';

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

const FULL = {
  visitor_id: 'v_12345678',
  session_id: '01J0000000000000000000000',
  visitor_token: 'tok',
};

describe('SessionStore', () => {
  it('should write the record as JSON under sarufi-widget:<key>', () => {
    const storage = new MapStorage();
    new SessionStore('wk_abc', storage).save(FULL);
    expect(JSON.parse(storage.map.get('sarufi-widget:wk_abc')!)).toEqual(FULL);
    expect(new SessionStore('wk_abc', storage).load()).toEqual(FULL);
    expect(new SessionStore('wk_other', storage).load()).toEqual({});
  });

  it('should keep the visitor id when the session is cleared', () => {
    const storage = new MapStorage();
    const store = new SessionStore('wk_abc', storage);
    store.save(FULL);
    store.clearSession();
    expect(store.load()).toEqual({ visitor_id: 'v_12345678' });
  });

  it('should read corrupted or foreign values as empty, and drop a session without token', () => {
    const storage = new MapStorage();
    const store = new SessionStore('k', storage);
    storage.setItem('sarufi-widget:k', '{not json');
    expect(store.load()).toEqual({});
    storage.setItem('sarufi-widget:k', '"a string"');
    expect(store.load()).toEqual({});
    storage.setItem(
      'sarufi-widget:k',
      JSON.stringify({ visitor_id: 'v_12345678', session_id: 's1' }),
    );
    expect(store.load()).toEqual({ visitor_id: 'v_12345678' });
    storage.setItem('sarufi-widget:k', JSON.stringify({ visitor_id: '<script>', session_id: 5 }));
    expect(store.load()).toEqual({});
  });

  it('should fall back to memory when storage is missing or throws', () => {
    const throwing: StorageLike = {
      getItem() {
        throw new Error('SecurityError');
      },
      setItem() {
        throw new Error('QuotaExceededError');
      },
      removeItem() {},
    };
    for (const storage of [null, throwing]) {
      const store = new SessionStore('k', storage);
      expect(store.load()).toEqual({});
      store.save(FULL);
      expect(store.load()).toEqual(FULL);
    }
  });
});
