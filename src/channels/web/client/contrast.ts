/** The WCAG 2 contrast ratio of two `#rrggbb` colours (1–21), or null for another format. */
export function contrastRatio(a: string, b: string): number | null {
  const la = luminance(a);
  const lb = luminance(b);
  if (la === null || lb === null) return null;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export const DEFAULT_PRIMARY = '#0b5f6e';
export const DARK_TEXT = '#1a1a1a';

/** The colours the widget draws with, all derived from the theme's primary colour. */
export interface ThemeColors {
  primary: string;
  /** Text on a primary background (header, launcher, the visitor's bubbles). */
  onPrimary: string;
  /** Primary-coloured text and outlines on white (choices, focus rings). */
  accent: string;
}

/**
 * A business may pick a light primary colour; white text on it would fail WCAG AA, so the
 * text on it turns dark when that reads better, and text on white falls back to dark too.
 */
export function themeColors(primary: string | undefined): ThemeColors {
  const p =
    primary && contrastRatio(primary, '#ffffff') !== null ? primary.toLowerCase() : DEFAULT_PRIMARY;
  const white = contrastRatio(p, '#ffffff') ?? 0;
  const dark = contrastRatio(p, DARK_TEXT) ?? 0;
  return {
    primary: p,
    onPrimary: white >= 4.5 || white >= dark ? '#ffffff' : DARK_TEXT,
    accent: white >= 4.5 ? p : DARK_TEXT,
  };
}
