import { DEFAULT_USSD_GATEWAY, USSD_GATEWAYS } from './index';

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
    for (const g of USSD_GATEWAYS.values()) expect(g.format.length).toBeGreaterThan(20);
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
          expect((e as Error).constructor.name).toBe('UssdRequestError');
        }
      }
  });
});
