import { infobip } from './infobip.gateway';
import { ProviderRequestError } from '../../provider-request';

describe('Infobip gateway', () => {
  it('should read start, response and end from the path', () => {
    const body = { msisdn: '385910000001', text: '1', shortCode: '*123#' };
    expect(infobip.parse({ body, path: ['session', 'ib-1', 'start'] })).toMatchObject({
      event: 'start',
      sessionId: 'ib-1',
      input: '',
    });
    expect(infobip.parse({ body, path: ['session', 'ib-1', 'response'] })).toMatchObject({
      event: 'input',
      input: '1',
    });
    expect(infobip.parse({ body: {}, path: ['session', 'ib-1', 'end'] }).event).toBe('end');
  });

  it('should refuse a call without its session path', () => {
    expect(() => infobip.parse({ body: {}, path: [] })).toThrow(ProviderRequestError);
    expect(() => infobip.parse({ body: {}, path: ['session', 'x', 'poke'] })).toThrow(
      ProviderRequestError,
    );
  });

  it('should reply with the menu and whether to close', () => {
    const req = infobip.parse({
      body: { msisdn: '255700000001' },
      path: ['session', 'ib-1', 'start'],
    });
    expect(JSON.parse(infobip.reply(req, { text: 'Menu', end: true }).body)).toEqual({
      ussdMenu: 'Menu',
      shouldClose: true,
    });
  });
});
