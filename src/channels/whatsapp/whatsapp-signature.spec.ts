import { createHmac } from 'node:crypto';
import { signWhatsAppBody, verifyWhatsAppSignature } from './whatsapp-signature';

const SECRET = 'app-secret-1';
// As Meta sends it: the é of "Café" escaped in the raw bytes.
const RAW = Buffer.from(
  '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":' +
    '{"messaging_product":"whatsapp","messages":[{"from":"255700000001","id":"wamid.A1",' +
    '"timestamp":"1764900000","type":"text","text":{"body":"Caf\\u00e9 \\ud83d\\ude00"}}]},' +
    '"field":"messages"}]}]}',
  'utf8',
);

describe('verifyWhatsAppSignature', () => {
  const valid = signWhatsAppBody(SECRET, RAW);

  it('should accept the HMAC-SHA256 of the raw bytes, as Meta computes it', () => {
    const independent = createHmac('sha256', SECRET).update(RAW).digest('hex');
    expect(valid).toBe(`sha256=${independent}`);
    expect(verifyWhatsAppSignature(SECRET, RAW, valid)).toBe(true);
  });

  it('should refuse the same JSON re-serialised (escapes become raw UTF-8, the bytes differ)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(RAW.toString('utf8'))), 'utf8');
    expect(reserialised.toString('utf8')).toContain('Café');
    expect(verifyWhatsAppSignature(SECRET, reserialised, valid)).toBe(false);
  });

  it('should accept the hex digest in upper case: it is the same MAC', () => {
    const upper = `sha256=${valid.slice('sha256='.length).toUpperCase()}`;
    expect(verifyWhatsAppSignature(SECRET, RAW, upper)).toBe(true);
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['another prefix', valid.replace('sha256=', 'sha1=')],
    ['an upper-case prefix', valid.replace('sha256=', 'SHA256=')],
    ['no prefix', valid.slice('sha256='.length)],
    ['a digest one hex digit short', valid.slice(0, -1)],
    ['a digest one hex digit long', `${valid}0`],
    ['a non-hex digit', `${valid.slice(0, -1)}g`],
    ['surrounding spaces', ` ${valid} `],
    ['one changed digit', `${valid.slice(0, -1)}${valid.endsWith('0') ? '1' : '0'}`],
  ])('should refuse %s without throwing', (_case, header) => {
    expect(verifyWhatsAppSignature(SECRET, RAW, header)).toBe(false);
  });

  it('should refuse a signature made with another secret, and an empty secret', () => {
    expect(verifyWhatsAppSignature(SECRET, RAW, signWhatsAppBody('other-secret', RAW))).toBe(false);
    expect(verifyWhatsAppSignature('', RAW, signWhatsAppBody('', RAW))).toBe(false);
  });

  it('should refuse a signature of a body changed by one byte', () => {
    const changed = Buffer.from(RAW);
    changed[changed.length - 2] ^= 1;
    expect(verifyWhatsAppSignature(SECRET, changed, valid)).toBe(false);
  });

  it('should sign a string as its UTF-8 bytes', () => {
    expect(signWhatsAppBody(SECRET, RAW.toString('utf8'))).toBe(valid);
  });
});
