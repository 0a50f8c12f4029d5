import { smsSegments, type SmsSegments } from '../../channels/render/gsm-text';
import { smsText } from '../../channels/sms/sms-text';
import { ussdState } from '../../channels/ussd/ussd-state';
import { renderWhatsApp, sentAsNumberedText } from '../../channels/whatsapp/whatsapp-render';
import type { GenericMessage } from '../../engine';
import { USSD_LIMITS, WHATSAPP_LIMITS } from '../../engine/limits/message-limits';

/**
 * What one bot turn looks like on the other channels. It calls the channels' own renderers
 * (the same functions the USSD, WhatsApp and SMS channels send with), so the preview cannot
 * drift from what users get; this module only reshapes their output for display.
 */
export interface ChannelPreview {
  ussd: UssdPreview;
  whatsapp: WhatsAppPreview;
  sms: SmsPreview;
}

export interface UssdPreview {
  /** The screens of the reply; every one but the last ends with `98. More`. */
  screens: string[];
  /** The reply closes the USSD session (END): it cannot be paged, so it is cut to one screen. */
  ends: boolean;
  maxChars: number;
}

export type WhatsAppBubble =
  | { kind: 'text'; text: string }
  | { kind: 'buttons'; body: string; buttons: string[] }
  | {
      kind: 'list';
      body: string;
      button: string;
      sections: Array<{ title?: string; rows: Array<{ title: string; description?: string }> }>;
    }
  | { kind: 'media'; media: string; caption?: string; source?: string; filename?: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string };

export interface WhatsAppPreview {
  /** The messages WhatsApp sends for the turn, in order (one GenericMessage may become several). */
  bubbles: WhatsAppBubble[];
  /** How messages over WhatsApp's limits were adapted. */
  notes: string[];
}

export interface SmsPreview extends SmsSegments {
  text: string;
}

/**
 * Previews a turn's messages. `open` is false when the turn closed the session (the USSD
 * reply is then final); `ussdChars` is the gateway's screen size.
 */
export function channelPreview(
  messages: readonly GenericMessage[],
  open: boolean,
  ussdChars: number = USSD_LIMITS.screenChars,
): ChannelPreview {
  const text = smsText(messages);
  return {
    ussd: {
      screens: ussdState(messages, ussdChars, open).screens,
      ends: !open,
      maxChars: ussdChars,
    },
    whatsapp: {
      bubbles: messages.flatMap((m) => renderWhatsApp(m).map((p) => toBubble(p.body))),
      notes: messages.flatMap(whatsAppNote),
    },
    sms: { text, ...smsSegments(text) },
  };
}

/** Why a message is not sent as written (the renderer's rules, said in words). */
function whatsAppNote(message: GenericMessage): string[] {
  if (message.type !== 'buttons' && message.type !== 'list') return [];
  const count =
    message.type === 'buttons'
      ? message.buttons.length
      : message.sections.reduce((n, s) => n + s.rows.length, 0);
  const what = message.type === 'buttons' ? 'buttons' : 'list rows';
  if (sentAsNumberedText(message))
    return [
      count > WHATSAPP_LIMITS.maxListRows
        ? `${count} ${what}: sent as numbered text (a WhatsApp list holds ${WHATSAPP_LIMITS.maxListRows} rows).`
        : `An option id is too long for WhatsApp: sent as numbered text.`,
    ];
  if (message.type === 'buttons' && count > WHATSAPP_LIMITS.maxButtons)
    return [
      `${count} buttons: sent as a list (WhatsApp shows at most ${WHATSAPP_LIMITS.maxButtons} buttons).`,
    ];
  return [];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A Graph API message body (what renderWhatsApp returns) as a bubble to draw. */
function toBubble(body: Json): WhatsAppBubble {
  const type = str(body.type) ?? 'text';
  if (type === 'text') return { kind: 'text', text: str(obj(body.text).body) ?? '' };
  if (type === 'interactive') {
    const interactive = obj(body.interactive);
    const text = str(obj(interactive.body).text) ?? '';
    const action = obj(interactive.action);
    if (interactive.type === 'button') {
      const buttons = (Array.isArray(action.buttons) ? action.buttons : []).map(
        (b) => str(obj(obj(b).reply).title) ?? '',
      );
      return { kind: 'buttons', body: text, buttons };
    }
    const sections = (Array.isArray(action.sections) ? action.sections : []).map((s) => ({
      title: str(obj(s).title),
      rows: (Array.isArray(obj(s).rows) ? (obj(s).rows as unknown[]) : []).map((r) => ({
        title: str(obj(r).title) ?? '',
        description: str(obj(r).description),
      })),
    }));
    return { kind: 'list', body: text, button: str(action.button) ?? '', sections };
  }
  if (type === 'location') {
    const l = obj(body.location);
    return {
      kind: 'location',
      latitude: Number(l.latitude),
      longitude: Number(l.longitude),
      name: str(l.name),
      address: str(l.address),
    };
  }
  const media = obj(body[type]);
  return {
    kind: 'media',
    media: type,
    caption: str(media.caption),
    source: str(media.link) ?? (str(media.id) ? `media id ${str(media.id)}` : undefined),
    filename: str(media.filename),
  };
}
