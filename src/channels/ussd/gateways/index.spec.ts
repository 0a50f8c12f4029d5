import { DEFAULT_USSD_GATEWAY, USSD_GATEWAYS } from './index';
import { ProviderRequestError, e164, phoneField } from '../../provider-request';

describe('USSD gateways', () => {
  it("should register the six gateways by provider name, Africa's Talking by default", () => {
    expect([...USSD_GATEWAYS.keys()].sort()).toEqual([
      'africastalking',
      'arkesel',
      'beem',
      'hubtel',
      'infobip',
      'nalo',
    ]);
    expect(USSD_GATEWAYS.has(DEFAULT_USSD_GATEWAY)).toBe(true);
    for (const g of USSD_GATEWAYS.values()) {
      expect(g.format.length).toBeGreaterThan(20);
      expect(g.budgetMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('should read phone numbers as digits with an optional +, and refuse the rest at their field', () => {
    expect(phoneField({ m: '255 700-000001' }, 'm')).toBe('255 700-000001');
    expect(e164('255 700-000001')).toBe('+255700000001');
    expect(e164('+233244000000')).toBe('+233244000000');
    expect(phoneField({}, 'm', false)).toBe('');
    for (const bad of ['abc', '12', '+', '++2557000', '2557000000000000000', 'tel:255700000001'])
      expect(() => phoneField({ m: bad }, 'm')).toThrow(
        expect.objectContaining({ path: 'm' }) as ProviderRequestError,
      );
    expect(() => phoneField({}, 'm')).toThrow(ProviderRequestError);
  });

  it('should answer a valid reply or a field error for odd bodies, never anything else', () => {
    const odd = [
      null,
      'x',
      [],
      {},
      { sessionId: Number.POSITIVE_INFINITY },
      { SessionId: {}, Type: 'Response' },
    ];
    for (const g of USSD_GATEWAYS.values())
      for (const body of odd) {
        try {
          const req = g.parse({ body, path: ['session', 's', 'start'] });
          expect(typeof g.reply(req, { text: 'x', end: false }).body).toBe('string');
        } catch (e) {
          expect((e as Error).constructor.name).toBe('ProviderRequestError');
        }
      }
  });
});
