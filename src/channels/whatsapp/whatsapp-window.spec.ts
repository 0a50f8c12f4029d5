import { closedWindowDetail, WHATSAPP_WINDOW_MS } from './whatsapp-window';

describe('closedWindowDetail', () => {
  const last = Date.parse('2026-03-01T08:00:00.000Z');

  it("should let a message through within 24 hours of the user's last one", () => {
    expect(closedWindowDetail({ last_inbound_at: last, options: [] }, last)).toBeNull();
    expect(closedWindowDetail({ last_inbound_at: last }, last + WHATSAPP_WINDOW_MS - 1)).toBeNull();
  });

  it('should refuse from the 24th hour on, naming when the window closed', () => {
    for (const now of [last + WHATSAPP_WINDOW_MS, last + 3 * WHATSAPP_WINDOW_MS])
      expect(closedWindowDetail({ last_inbound_at: last }, now)).toBe(
        'The WhatsApp 24-hour window closed at 2026-03-02T08:00:00.000Z; only a template can reach the user now.',
      );
  });

  it.each([null, undefined, {}, { last_inbound_at: '2026-03-01' }, { last_inbound_at: NaN }])(
    'should refuse when the last message time is unknown (%p)',
    (state) => {
      expect(closedWindowDetail(state, last)).toMatch(
        /^The WhatsApp 24-hour window is not known to be open/,
      );
    },
  );
});
