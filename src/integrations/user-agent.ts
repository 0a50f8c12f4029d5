import { version } from '../../package.json';

/** Sent as User-Agent on every outbound API call. */
export const USER_AGENT = `sarufi-gateway/${version}`;
