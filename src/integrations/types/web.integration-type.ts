import { randomBytes } from 'node:crypto';
import { FieldIssues } from '../api/field-issues';
import { SECRET_MASK } from '../api/http-integration-input';
import { COMMON_FIELDS, READ_ONLY_FIELDS } from '../api/integration-schema';
import { schemaCheck } from '../api/schema-check';
import type { SecretBox } from '../crypto/secret-box';
import { envelopeKeyId } from '../envelope-key-id';
import type { IntegrationType, SealedIntegration } from './integration-type';
import { openSecrets } from './open-secrets';

export interface WebTheme {
  /** Null: the chatbot's name. */
  title: string | null;
  primary_color: string;
  position: 'right' | 'left';
}

/** What a `web` integration keeps in its public `config` column. */
export interface WebIntegrationConfig {
  allowed_origins: string[];
  theme: WebTheme;
  start_open: boolean;
}

export interface WebSecrets {
  identity_secret: string;
}

/** White text on it is 7.3:1 (WCAG AA asks 4.5:1). */
export const DEFAULT_PRIMARY_COLOR = '#0b5f6e';

/** `wk_` + 32 base32 characters (160 bits): public, but not guessable. */
export function newWidgetKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(32);
  let key = 'wk_';
  for (const b of bytes) key += alphabet[b & 31];
  return key;
}

export const WIDGET_KEY_PATTERN = /^wk_[a-z2-7]{32}$/;

/** `scheme://host[:port]` as browsers send it in `Origin` (an IPv6 host in brackets), or `*`. */
const ORIGIN = '^(\\*|https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?)$';

const FIELDS = {
  ...COMMON_FIELDS,
  allowed_origins: {
    type: 'array',
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    items: {
      type: 'string',
      maxLength: 300,
      pattern: ORIGIN,
      message:
        'each allowed origin must be scheme://host[:port] exactly as the browser sends it (no path, no trailing slash), or "*".',
    },
    message: 'allowed_origins must be a list of 1 to 50 different origins.',
  },
  theme: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: {
        type: ['string', 'null'],
        minLength: 1,
        maxLength: 60,
        message: 'theme.title must be 1 to 60 characters.',
      },
      primary_color: {
        type: 'string',
        pattern: '^#[0-9a-fA-F]{6}$',
        message: 'theme.primary_color must be a colour as #rrggbb.',
      },
      position: {
        type: 'string',
        enum: ['right', 'left'],
        message: 'theme.position must be "right" or "left".',
      },
    },
    message: 'theme must be an object with title, primary_color and position.',
  },
  start_open: { type: 'boolean', message: 'start_open must be true or false.' },
  identity_secret: {
    type: ['string', 'null'],
    minLength: 16,
    maxLength: 256,
    pattern: '^[\\x21-\\x7e]+$',
    message: 'identity_secret must be 16 to 256 printable characters, without spaces.',
  },
};

/** Fields of the record that a client may send back unchanged; the server makes them. */
const SHOWN = { ...READ_ONLY_FIELDS, widget_key: {}, embed_snippet: {} };

const checkCreate = schemaCheck({
  type: 'object',
  properties: FIELDS,
  required: ['name', 'allowed_origins'],
  additionalProperties: false,
});

const checkPatch = schemaCheck({
  type: 'object',
  properties: {
    ...FIELDS,
    ...SHOWN,
    rotate_widget_key: { type: 'boolean', message: 'rotate_widget_key must be true or false.' },
  },
  additionalProperties: false,
});

/**
 * `web`: the chat widget on a business's own site (contract: web.md). Its address is the
 * public `widget_key` the widget API is routed by; `PATCH {"rotate_widget_key": true}` makes a
 * new one and the old one stops at once. `identity_secret` (sealed, shown as `***`) signs the
 * ids of visitors who are logged in on the site.
 */
export const webIntegrationType: IntegrationType = {
  type: 'web',
  shown: ['widget_key', 'embed_snippet'],

  create(body, box) {
    const issues = new FieldIssues();
    checkCreate(body, issues);
    if (body.identity_secret === SECRET_MASK)
      issues.add('identity_secret', `"${SECRET_MASK}" keeps a stored value; there is none yet.`);
    issues.throwIfAny();
    return seal(body.name as string, body, null, newWidgetKey(), box);
  },

  patch(row, body, box) {
    const issues = new FieldIssues();
    checkPatch(body, issues);
    if (typeof body.widget_key === 'string' && body.widget_key !== row.address)
      issues.add(
        'widget_key',
        'widget_key is made by the server; send "rotate_widget_key": true for a new one.',
      );
    issues.throwIfAny();
    const current = row.config as WebIntegrationConfig;
    const stored = openSecrets<WebSecrets>(row, box);
    const theme = { ...current.theme, ...((body.theme as Partial<WebTheme> | undefined) ?? {}) };
    const merged = {
      ...current,
      identity_secret: stored?.identity_secret ?? null,
      ...body,
      theme,
    };
    const key = body.rotate_widget_key === true ? newWidgetKey() : row.address!;
    return seal((body.name as string | undefined) ?? row.name, merged, stored, key, box);
  },

  view(row, { publicBaseUrl }) {
    const config = row.config as WebIntegrationConfig;
    return {
      allowed_origins: config.allowed_origins,
      theme: config.theme,
      start_open: config.start_open,
      identity_secret: row.secrets ? SECRET_MASK : null,
      widget_key: row.address,
      embed_snippet: `<script src="${publicBaseUrl}/widget.js" data-widget-key="${row.address}" async></script>`,
    };
  },
};

function seal(
  name: string,
  input: Record<string, unknown>,
  stored: WebSecrets | null,
  widgetKey: string,
  box: SecretBox,
): SealedIntegration {
  const theme = (input.theme as Partial<WebTheme> | undefined) ?? {};
  const config: WebIntegrationConfig = {
    allowed_origins: input.allowed_origins as string[],
    theme: {
      title: theme.title ?? null,
      primary_color: theme.primary_color ?? DEFAULT_PRIMARY_COLOR,
      position: theme.position ?? 'right',
    },
    start_open: (input.start_open as boolean | undefined) ?? false,
  };
  const sent = input.identity_secret as string | null | undefined;
  const secret = sent === SECRET_MASK ? (stored?.identity_secret ?? null) : (sent ?? null);
  const envelope = secret ? box.encrypt(JSON.stringify({ identity_secret: secret })) : null;
  return {
    name,
    config,
    secrets: envelope,
    keyId: envelope ? envelopeKeyId(envelope) : null,
    address: widgetKey,
  };
}
