const KEY = 'sarufi-playground:api-key';

/**
 * Where the API key lives between page loads: sessionStorage only (web.md › playground), so
 * it is gone when the tab closes and never shared with other tabs; never localStorage.
 */
export const keyStore = {
  get(storage: Storage = sessionStorage): string | null {
    try {
      return storage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set(key: string, storage: Storage = sessionStorage): void {
    try {
      storage.setItem(KEY, key);
    } catch {
      // Storage refused (private mode, quota): the key then lasts as long as the page.
    }
  },
  clear(storage: Storage = sessionStorage): void {
    try {
      storage.removeItem(KEY);
    } catch {
      // Nothing stored.
    }
  },
};
