import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SecretBox } from './crypto/secret-box';

/** The secret box keyed by ENCRYPTION_KEY (and ENCRYPTION_KEY_PREVIOUS during a rotation). */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new SecretBox({ current: config.encryptionKey, previous: config.previousEncryptionKeys }),
};
