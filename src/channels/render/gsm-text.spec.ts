import { foldToGsm, isGsm7, smsSegments } from './gsm-text';

describe('foldToGsm', () => {
  it('should fold quotes, dashes, ellipses and accents the alphabet lacks', () => {
    expect(foldToGsm('“Karibu” – it’s … ready')).toBe('"Karibu" - it\'s ... ready');
    expect(foldToGsm('crème brûlée, façade')).toBe('crème brulée, facade');
    expect(isGsm7(foldToGsm('crème brûlée, façade'))).toBe(true);
    expect(foldToGsm('Ñandú über año')).toBe('Ñandu über año');
  });

  it('should keep emoji and other scripts as they are', () => {
    expect(foldToGsm('Asante 🙏 Ω مرحبا')).toBe('Asante 🙏 Ω مرحبا');
  });
});

describe('smsSegments', () => {
  it('should count GSM-7 septets, two for extension characters', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsSegments('a'.repeat(153 * 3))).toMatchObject({ parts: 3 });
  });

  it('should switch the whole text to UCS-2 for one emoji', () => {
    expect(smsSegments(`${'a'.repeat(68)}😀`)).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(smsSegments(`${'a'.repeat(69)}😀`)).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
  });

  it('should count an empty text as one part', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, parts: 1 });
  });
});
