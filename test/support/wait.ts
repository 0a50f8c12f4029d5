export type Truthy<T> = Exclude<T, false | null | undefined | '' | 0>;

/** Polls `get` until it returns something truthy (returned), or throws after `ms`. */
export async function waitFor<T>(get: () => T | Promise<T>, ms = 15_000): Promise<Truthy<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (value) return value as Truthy<T>;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 40));
  }
}
