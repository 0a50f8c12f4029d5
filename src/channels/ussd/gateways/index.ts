import { africasTalking } from './africastalking.gateway';
import { arkesel } from './arkesel.gateway';
import { beem } from './beem.gateway';
import { hubtel } from './hubtel.gateway';
import { infobip } from './infobip.gateway';
import { nalo } from './nalo.gateway';
import type { UssdGateway } from './ussd-gateway';

/** Every USSD gateway, by the integration's `provider` value. A new one is a file and a line here. */
export const USSD_GATEWAYS: ReadonlyMap<string, UssdGateway> = new Map(
  [africasTalking, hubtel, arkesel, nalo, beem, infobip].map((g) => [g.name, g]),
);

export const DEFAULT_USSD_GATEWAY = africasTalking.name;
