/**
 * The channel-neutral message (seed 003) that every channel maps to and from.
 * Outbound messages are produced by the engine; inbound ones come from channel adapters.
 */
export interface Button {
  id: string;
  title: string;
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface ListSection {
  title?: string;
  rows: ListRow[];
}

export type GenericMessage =
  | { type: 'text'; text: string }
  | { type: 'buttons'; text: string; buttons: Button[] }
  | { type: 'list'; text: string; button_text: string; sections: ListSection[] }
  | {
      type: 'image';
      media_url?: string;
      media_id?: string;
      media_caption?: string;
      mime_type?: string;
    }
  | {
      type: 'video';
      media_url?: string;
      media_id?: string;
      media_caption?: string;
      mime_type?: string;
    }
  | { type: 'audio'; media_url?: string; media_id?: string; mime_type?: string }
  | {
      type: 'document';
      media_url?: string;
      media_id?: string;
      media_filename?: string;
      media_caption?: string;
      mime_type?: string;
    }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  /** Inbound only (WhatsApp): a sticker the user sent; flows cannot send one. */
  | { type: 'sticker'; media_url?: string; media_id?: string; mime_type?: string }
  /** Inbound only: a pressed button or list row. `text` is its title (or what the user typed). */
  | { type: 'button'; text: string; button_id: string }
  /**
   * A WhatsApp message template approved by Meta (the Cloud API's `template` object): the only
   * message that reaches a user outside the 24-hour window. `text` stands in for it where a
   * channel has no templates (SMS, the widget, the history's preview).
   */
  | {
      type: 'template';
      name: string;
      language: string;
      components?: unknown[];
      text?: string;
    };

export type GenericMessageType = GenericMessage['type'];
