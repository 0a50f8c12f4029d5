import { templateFits } from './pglite-template';

describe('templateFits', () => {
  const info = { pglite: '0.5.14', migrations: ['A1', 'B2'] };

  it('should take a template of the same PGlite whose migrations this code has, newer ones too', () => {
    expect(templateFits(info, '0.5.14', ['A1', 'B2'])).toBe(true);
    expect(templateFits(info, '0.5.14', ['A1', 'B2', 'C3'])).toBe(true);
    expect(templateFits({ ...info, migrations: [] }, '0.5.14', ['A1'])).toBe(true);
  });

  it('should refuse one from another PGlite, or with a migration this code does not have', () => {
    expect(templateFits(info, '0.5.15', ['A1', 'B2'])).toBe(false);
    expect(templateFits(info, '0.5.14', ['A1'])).toBe(false);
    expect(templateFits(info, '0.5.14', ['A1', 'B3'])).toBe(false);
  });
});
