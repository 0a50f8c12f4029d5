import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/**
 * Stand-ins for the USSD gateways: each sends this server requests in its own wire format
 * (form or JSON, its field names, its session events) and reads the reply the way the gateway
 * does. One per provider of the contract (channels.md › USSD).
 */

/** One USSD session as a gateway sees it. */
export interface GatewaySession {
  id: string;
  phone: string;
  /** Everything typed so far (Africa's Talking resends it all, joined by `*`). */
  typed: string[];
}

export interface GatewayCall {
  /** Segments after the token (Infobip's `/session/{id}/start`…). */
  path?: string[];
  body: Record<string, unknown>;
  form?: boolean;
}

export interface GatewayDriver {
  provider: string;
  dial(s: GatewaySession): GatewayCall;
  say(s: GatewaySession, input: string): GatewayCall;
  /** The gateway's end-of-session notification, when it sends one. */
  end?(s: GatewaySession): GatewayCall;
  /** The screen shown and whether the gateway ends the session. */
  read(res: Response): { text: string; end: boolean };
}

const SERVICE_CODE = '*150*88#';

const africasTalking: GatewayDriver = {
  provider: 'africastalking',
  dial: (s) => ({
    form: true,
    body: {
      sessionId: s.id,
      serviceCode: SERVICE_CODE,
      phoneNumber: s.phone,
      networkCode: '63902',
      text: '',
    },
  }),
  say: (s, input) => ({
    form: true,
    body: {
      sessionId: s.id,
      serviceCode: SERVICE_CODE,
      phoneNumber: s.phone,
      networkCode: '63902',
      text: [...s.typed, input].join('*'),
    },
  }),
  end: (s) => ({
    form: true,
    body: {
      sessionId: s.id,
      serviceCode: SERVICE_CODE,
      phoneNumber: s.phone,
      networkCode: '63902',
      status: 'Incomplete',
      durationInMillis: '9000',
      cost: 'TZS 0.0000',
    },
  }),
  read(res) {
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const m = /^(CON|END) ([\s\S]*)$/.exec(res.text);
    if (!m) throw new Error(`not an Africa's Talking reply: ${res.text}`);
    return { text: m[2], end: m[1] === 'END' };
  },
};

const hubtel: GatewayDriver = {
  provider: 'hubtel',
  dial: (s) => ({
    body: {
      Type: 'Initiation',
      Mobile: s.phone.replace('+', ''),
      SessionId: s.id,
      ServiceCode: SERVICE_CODE,
      Message: SERVICE_CODE,
      Operator: 'vodafone',
      Sequence: 1,
      ClientState: '',
    },
  }),
  say: (s, input) => ({
    body: {
      Type: 'Response',
      Mobile: s.phone.replace('+', ''),
      SessionId: s.id,
      ServiceCode: SERVICE_CODE,
      Message: input,
      Operator: 'vodafone',
      Sequence: s.typed.length + 2,
      ClientState: '',
    },
  }),
  end: (s) => ({
    body: {
      Type: 'Release',
      Mobile: s.phone.replace('+', ''),
      SessionId: s.id,
      ServiceCode: SERVICE_CODE,
      Message: '',
      Operator: 'vodafone',
    },
  }),
  read(res) {
    expect(res.body.SessionId).toBeDefined();
    expect(['response', 'release']).toContain(res.body.Type);
    expect(res.body).toMatchObject({ DataType: 'input', FieldType: 'text' });
    return { text: res.body.Message as string, end: res.body.Type === 'release' };
  },
};

const arkesel: GatewayDriver = {
  provider: 'arkesel',
  dial: (s) => ({
    body: {
      sessionID: s.id,
      userID: 'ark-user',
      newSession: true,
      msisdn: s.phone.replace('+', ''),
      userData: SERVICE_CODE,
      network: 'MTN',
    },
  }),
  say: (s, input) => ({
    body: {
      sessionID: s.id,
      userID: 'ark-user',
      newSession: false,
      msisdn: s.phone.replace('+', ''),
      userData: input,
      network: 'MTN',
    },
  }),
  read(res) {
    expect(res.body).toMatchObject({ userID: 'ark-user' });
    return { text: res.body.message as string, end: res.body.continueSession === false };
  },
};

const nalo: GatewayDriver = {
  provider: 'nalo',
  dial: (s) => ({
    body: {
      USERID: 'nalo-user',
      MSISDN: s.phone.replace('+', ''),
      USERDATA: SERVICE_CODE,
      MSGTYPE: true,
      NETWORK: 'MTN',
      SESSIONID: s.id,
    },
  }),
  say: (s, input) => ({
    body: {
      USERID: 'nalo-user',
      MSISDN: s.phone.replace('+', ''),
      USERDATA: input,
      MSGTYPE: false,
      NETWORK: 'MTN',
      SESSIONID: s.id,
    },
  }),
  read(res) {
    expect(res.body).toMatchObject({ USERID: 'nalo-user' });
    return { text: res.body.MSG as string, end: res.body.MSGTYPE === false };
  },
};

const beem: GatewayDriver = {
  provider: 'beem',
  dial: (s) => ({
    body: {
      command: 'initiate',
      msisdn: s.phone.replace('+', ''),
      session_id: s.id,
      operator: 'vodacom',
      payload: { request_id: 1, response: SERVICE_CODE },
    },
  }),
  say: (s, input) => ({
    body: {
      command: 'continue',
      msisdn: s.phone.replace('+', ''),
      session_id: s.id,
      operator: 'vodacom',
      payload: { request_id: s.typed.length + 2, response: input },
    },
  }),
  end: (s) => ({
    body: {
      command: 'terminate',
      msisdn: s.phone.replace('+', ''),
      session_id: s.id,
      operator: 'vodacom',
      payload: { request_id: 99, response: '' },
    },
  }),
  read(res) {
    expect(res.body).toMatchObject({ session_id: expect.any(String), operator: 'vodacom' });
    return {
      text: res.body.payload.request as string,
      end: res.body.command === 'terminate',
    };
  },
};

const infobip: GatewayDriver = {
  provider: 'infobip',
  dial: (s) => ({
    path: ['session', s.id, 'start'],
    body: { msisdn: s.phone.replace('+', ''), text: SERVICE_CODE, shortCode: SERVICE_CODE },
  }),
  say: (s, input) => ({
    path: ['session', s.id, 'response'],
    body: { msisdn: s.phone.replace('+', ''), text: input },
  }),
  end: (s) => ({
    path: ['session', s.id, 'end'],
    body: { msisdn: s.phone.replace('+', ''), exitCode: 'TIMEOUT', reason: 'user timeout' },
  }),
  read(res) {
    expect(typeof res.body.shouldClose).toBe('boolean');
    return { text: res.body.ussdMenu as string, end: res.body.shouldClose as boolean };
  },
};

export const GATEWAY_DRIVERS: readonly GatewayDriver[] = [
  africasTalking,
  hubtel,
  arkesel,
  nalo,
  beem,
  infobip,
];

export const driverFor = (provider: string) =>
  GATEWAY_DRIVERS.find((d) => d.provider === provider)!;

/** Sends a gateway call to an integration's webhook path. */
export function post(t: TestApp, webhookPath: string, call: GatewayCall) {
  const url = [webhookPath, ...(call.path ?? [])].join('/');
  const req = t.http().post(url);
  return call.form
    ? req.type('form').send(call.body as Record<string, string>)
    : req.send(call.body);
}

let sessions = 0;

/** A gateway session against one integration, typing as a user would. */
export function ussdUser(t: TestApp, driver: GatewayDriver, webhookPath: string, phone: string) {
  const s: GatewaySession = { id: `gw-${Date.now()}-${++sessions}`, phone, typed: [] };
  const expectOk = (res: Response) => {
    if (res.status !== 200) throw new Error(`${res.status}: ${res.text}`);
    return driver.read(res);
  };
  /** The last dial or input sent, as the gateway would send it again. */
  let last: GatewayCall | null = null;
  const send = (call: GatewayCall) => {
    last = call;
    return post(t, webhookPath, call);
  };
  return {
    session: s,
    async dial() {
      return expectOk(await send(driver.dial(s)));
    },
    async say(input: string) {
      const res = await send(driver.say(s, input));
      s.typed.push(input);
      return expectOk(res);
    },
    /** The gateway retrying the last dial or input: the very same request again. */
    async retry() {
      if (!last) throw new Error('nothing sent yet');
      return expectOk(await post(t, webhookPath, last));
    },
    async end() {
      if (!driver.end) throw new Error(`${driver.provider} sends no end notification`);
      const res = await post(t, webhookPath, driver.end(s));
      expect(res.status).toBe(200);
      return res;
    },
  };
}
