import { deliveryErrorView } from './delivery-error-view';

describe('deliveryErrorView', () => {
  it("should show a WhatsApp code stored as digits as Meta's number", () => {
    expect(deliveryErrorView('whatsapp', { code: '131026', title: 'Undeliverable' })).toEqual({
      code: 131026,
      title: 'Undeliverable',
    });
  });

  it.each([
    ['whatsapp', { code: 131047, title: 'Re-engagement message' }],
    ['whatsapp', { code: 'integration_deleted', title: 'Deleted' }],
    ['whatsapp', { code: 'http_500', title: 'HTTP 500' }],
    ['sms', { code: '30003', title: 'Unreachable handset' }],
    ['whatsapp', null],
  ])('should show %s error %o as stored', (channel, error) => {
    expect(deliveryErrorView(channel, error)).toBe(error);
  });
});
