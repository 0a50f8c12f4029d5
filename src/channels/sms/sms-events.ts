import type { SmsIntegrationConfig } from '../../integrations/types/sms.integration-type';
import { SMS_PROVIDERS } from './providers';
import type { SmsProvider } from './providers/sms-provider';

export const SMS_CHANNEL = 'sms';

/** The inbox kinds of the SMS channel, each with its handler in sms-inbox.handlers.ts. */
export const SMS_INBOX = {
  message: 'sms.message',
  status: 'sms.status',
  optOut: 'sms.opt_out',
} as const;

/** The payload of an `sms.message` inbox event. */
export interface SmsMessagePayload {
  userId: string;
  text: string;
  linkId?: string;
  keyword?: string;
}

/** The provider of a stored sms integration. */
export const smsProviderOf = (config: SmsIntegrationConfig): SmsProvider =>
  SMS_PROVIDERS.get(config.provider)!;
