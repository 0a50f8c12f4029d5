import { Module } from '@nestjs/common';
import { ChatbotsModule } from '../chatbots/chatbots.module';
import { EventOutboxHandler } from './event.outbox-handler';

/** Conversation events to a chatbot's receiver (a helpdesk): delivered through the outbox. */
@Module({ imports: [ChatbotsModule], providers: [EventOutboxHandler] })
export class EventsModule {}
