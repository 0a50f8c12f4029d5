import { pinnedLookup } from './pinned-transport';

describe('pinnedLookup', () => {
  const lookup = pinnedLookup([
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ]);

  it('should answer with the checked addresses whatever name it is asked about', async () => {
    const all = await new Promise((resolve) => {
      lookup('rebound.test', { all: true }, (_err, addresses) => resolve(addresses));
    });
    expect(all).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    const one = await new Promise((resolve) => {
      lookup('rebound.test', {}, (_err, address, family) => resolve([address, family]));
    });
    expect(one).toEqual(['127.0.0.1', 4]);
  });
});
