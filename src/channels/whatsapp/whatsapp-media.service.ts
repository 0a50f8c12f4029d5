import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, notFound } from '../../common/domain-error';
import { IntegrationsRepository } from '../../integrations/integrations.repository';
import type { GraphFailure } from './graph-api';
import { WhatsAppGraph } from './whatsapp-graph';
import { WHATSAPP_CHANNEL } from './whatsapp-session';

const MEDIA_ID = /^[A-Za-z0-9_.-]{1,256}$/;

/** Finds an inbound media file through the chatbot's WhatsApp numbers. */
@Injectable()
export class WhatsAppMediaService {
  constructor(
    @Inject(IntegrationsRepository) private readonly integrations: IntegrationsRepository,
    @Inject(WhatsAppGraph) private readonly graph: WhatsAppGraph,
  ) {}

  async open(
    chatbotId: string,
    mediaId: string,
  ): Promise<{ stream: IncomingMessage; mimeType: string }> {
    if (!MEDIA_ID.test(mediaId))
      throw new DomainError(ErrorCode.ValidationFailed, 'Invalid media id.', [
        { path: 'media_id', message: "media_id must be Meta's media id (letters and digits)." },
      ]);
    let failure: GraphFailure | null = null;
    for (const row of await this.integrations.ofChatbot(chatbotId, WHATSAPP_CHANNEL)) {
      const found = await this.graph.media(row, mediaId);
      if (found.ok) return found;
      if (found.outcome === 'auth') await this.graph.markAuthFailed(row, found.code);
      // "Not found" on one number, "try later" on another: say "try later".
      if (!failure || found.outcome !== 'final') failure = found;
    }
    if (!failure || failure.outcome === 'final') throw notFound('Media');
    throw new DomainError(
      ErrorCode.Unavailable,
      failure.outcome === 'auth'
        ? "Meta refused the WhatsApp integration's access token; the media cannot be fetched."
        : 'Meta did not give the media file now; try again.',
    );
  }
}
