import { africasTalking } from './africastalking.provider';
import { beem } from './beem.provider';
import type { SmsProvider } from './sms-provider';
import { twilio } from './twilio.provider';

/** Every SMS provider, by the integration's `provider` value. A new one is a file and a line here. */
export const SMS_PROVIDERS: ReadonlyMap<string, SmsProvider> = new Map(
  [africasTalking, twilio, beem].map((p) => [p.name, p]),
);
