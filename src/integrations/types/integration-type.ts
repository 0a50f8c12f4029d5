import type { SecretBox } from '../crypto/secret-box';
import type { IntegrationRow } from '../integration-row';

/** What a type stores: public `config`, the sealed secrets envelope and its key id. */
export interface SealedIntegration {
  name: string;
  config: unknown;
  /** Null for a type without secrets. */
  secrets: string | null;
  keyId: string | null;
  /** A channel's webhook token (made by the server; kept when absent). */
  webhookToken?: string;
  /**
   * A channel's address that webhooks are routed by (WhatsApp's phone number id): at most
   * one integration of a type per address in a workspace.
   */
  address?: string;
  /** New credentials: forget a recorded failure (health back to ok). */
  healthReset?: boolean;
  /**
   * Secrets the server made in this request (rest-api's `webhook_secret`): shown in clear in
   * this answer only, in place of their `***`.
   */
  revealed?: Record<string, string>;
}

/** What a view needs beyond the row: where providers reach this server. */
export interface ViewContext {
  /** PUBLIC_BASE_URL, without a trailing slash. */
  publicBaseUrl: string;
}

/**
 * One kind of integration (`http`; `whatsapp`, `ussd`, `sms`, `web`, `rest-api` with their
 * channels): how its create and patch bodies are checked, how it is sealed for storage and
 * shown by the API. Each lives in one file under `types/` and is listed in the registry.
 * Errors are 400s with `errors[{path, message}]`; secret values never appear in them.
 */
export interface IntegrationType {
  readonly type: string;
  /** A checked create body, sealed (defaults filled in). */
  create(body: Record<string, unknown>, box: SecretBox): SealedIntegration;
  /**
   * A checked PATCH applied to the stored row: top-level fields replace the stored ones, and
   * a secret sent back as `***` keeps its stored value.
   */
  patch(row: IntegrationRow, body: Record<string, unknown>, box: SecretBox): SealedIntegration;
  /** The API record: every secret value shown as `***`, the secrets column never opened. */
  view(row: IntegrationRow, context: ViewContext): Record<string, unknown>;
  /**
   * Fields of the record the server makes, beyond id, chatbot_id and the times: a PATCH may
   * send them back as shown, and is refused when it changes them.
   */
  readonly shown?: readonly string[];
}
