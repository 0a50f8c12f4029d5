import { nalo } from './nalo.gateway';

const call = (fields: Record<string, unknown>) => ({
  body: {
    USERID: 'NALOTest',
    MSISDN: '233270000001',
    NETWORK: 'VODAFONE',
    SESSIONID: 'n-1',
    ...fields,
  },
  path: [],
});

describe('Nalo gateway', () => {
  it('should read MSGTYPE true as a new session and false as a reply', () => {
    expect(nalo.parse(call({ MSGTYPE: true, USERDATA: '*920*1#' }))).toMatchObject({
      event: 'start',
      input: '',
      serviceCode: '*920*1#',
    });
    expect(nalo.parse(call({ MSGTYPE: false, USERDATA: '2' }))).toMatchObject({
      event: 'input',
      input: '2',
    });
  });

  it('should reply with MSGTYPE true to continue and false to end', () => {
    const req = nalo.parse(call({ MSGTYPE: false, USERDATA: '2' }));
    expect(JSON.parse(nalo.reply(req, { text: 'Next', end: false }).body)).toEqual({
      USERID: 'NALOTest',
      MSISDN: '233270000001',
      USERDATA: '2',
      MSG: 'Next',
      MSGTYPE: true,
    });
    expect(JSON.parse(nalo.reply(req, { text: 'Bye', end: true }).body).MSGTYPE).toBe(false);
  });

  it('should refuse a request without SESSIONID', () => {
    expect(() => nalo.parse({ body: { MSISDN: '1', MSGTYPE: true }, path: [] })).toThrow(
      'SESSIONID is required.',
    );
  });
});
