import { hubtel } from './hubtel.gateway';
import { ProviderRequestError } from '../../provider-request';

const call = (fields: Record<string, unknown>) => ({
  body: {
    Mobile: '233200000001',
    SessionId: 'h-1',
    ServiceCode: '713',
    Sequence: 1,
    ClientState: '',
    ...fields,
  },
  path: [],
});

describe('Hubtel gateway', () => {
  it('should read Initiation, Response, Release and Timeout, in any case', () => {
    expect(hubtel.parse(call({ Type: 'Initiation', Message: '*713#' }))).toMatchObject({
      event: 'start',
      input: '',
    });
    expect(hubtel.parse(call({ Type: 'response', Message: '2' }))).toMatchObject({
      event: 'input',
      input: '2',
    });
    expect(hubtel.parse(call({ Type: 'RELEASE' })).event).toBe('end');
    expect(hubtel.parse(call({ Type: 'Timeout' })).event).toBe('end');
  });

  it('should give the Sequence as the step (none when it is not sent, or on an end)', () => {
    expect(hubtel.parse(call({ Type: 'Response', Message: '2', Sequence: 3 })).step).toBe('3');
    expect(hubtel.parse(call({ Type: 'Response', Message: '2', Sequence: '3' })).step).toBe('3');
    expect(hubtel.parse(call({ Type: 'Response', Sequence: undefined })).step).toBeNull();
    expect(hubtel.parse(call({ Type: 'Release', Sequence: 4 })).step).toBeNull();
  });

  it('should refuse an unknown Type or a Mobile of the wrong type', () => {
    expect(() => hubtel.parse(call({ Type: 'Ping' }))).toThrow(ProviderRequestError);
    expect(() => hubtel.parse(call({ Type: 'Response', Mobile: { n: 1 } }))).toThrow(
      'Mobile must be a string.',
    );
  });

  it('should reply with response or release', () => {
    const req = hubtel.parse(call({ Type: 'Response', Message: '1' }));
    expect(JSON.parse(hubtel.reply(req, { text: 'Pick\n1. A', end: false }).body)).toEqual({
      SessionId: 'h-1',
      Type: 'response',
      Message: 'Pick\n1. A',
      Label: 'Pick',
      DataType: 'input',
      FieldType: 'text',
    });
    expect(JSON.parse(hubtel.reply(req, { text: 'Bye', end: true }).body).Type).toBe('release');
  });
});
