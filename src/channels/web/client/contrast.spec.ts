import { contrastRatio, themeColors } from './contrast';

describe('contrastRatio', () => {
  it('should match the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('red', '#ffffff')).toBeNull();
  });

  it('should give the default theme AA contrast (4.5:1) for its text', () => {
    expect(contrastRatio('#0b5f6e', '#ffffff')!).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio('#1a1a1a', '#ffffff')!).toBeGreaterThanOrEqual(4.5);
  });
});

describe('themeColors', () => {
  it('should keep white text on dark primaries and switch to dark text on light ones', () => {
    expect(themeColors('#0B5F6E')).toEqual({
      primary: '#0b5f6e',
      onPrimary: '#ffffff',
      accent: '#0b5f6e',
    });
    expect(themeColors('#ffd43b')).toEqual({
      primary: '#ffd43b',
      onPrimary: '#1a1a1a',
      accent: '#1a1a1a',
    });
  });

  it('should keep every colour pair it returns at AA contrast or better', () => {
    for (const c of [
      '#0b5f6e',
      '#0b7285',
      '#ffd43b',
      '#e64980',
      '#228be6',
      '#777777',
      '#000000',
      '#ffffff',
    ]) {
      const t = themeColors(c);
      expect(contrastRatio(t.accent, '#ffffff')!).toBeGreaterThanOrEqual(4.5);
      // Mid greys cannot reach 4.5 with either text colour; the better of the two is taken.
      expect(contrastRatio(t.primary, t.onPrimary)!).toBeGreaterThanOrEqual(
        Math.max(contrastRatio(c, '#ffffff')!, contrastRatio(c, '#1a1a1a')!) - 1e-9,
      );
    }
  });

  it('should fall back to the default primary for a missing or malformed colour', () => {
    const fallback = { primary: '#0b5f6e', onPrimary: '#ffffff', accent: '#0b5f6e' };
    expect(themeColors(undefined)).toEqual(fallback);
    expect(themeColors('url(javascript:x)')).toEqual(fallback);
    expect(themeColors('#fff;}body{display:none')).toEqual(fallback);
  });
});
