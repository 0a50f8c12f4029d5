import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgliteVersion } from './pglite-template';

// The build makes the embedded database's template from the empty cluster in assets/
// (scripts/pglite-template.mjs) only when the installed PGlite wrote it; otherwise it runs
// initdb, and a first `npm start` takes seconds longer. A PGlite upgrade must come with a new
// archive: `npm run pglite:cluster`.
describe('the shipped empty PGlite cluster', () => {
  const assets = join(__dirname, '..', '..', 'assets');

  it('should be the installed PGlite version’s', () => {
    const info = JSON.parse(readFileSync(join(assets, 'pglite-cluster.json'), 'utf8')) as {
      pglite: string;
    };
    expect(info.pglite).toBe(pgliteVersion());
  });

  it('should be a gzip archive', () => {
    const head = readFileSync(join(assets, 'pglite-cluster.tar.gz')).subarray(0, 2);
    expect([...head]).toEqual([0x1f, 0x8b]);
  });
});
