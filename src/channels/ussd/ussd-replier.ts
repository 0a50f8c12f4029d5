import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  ChannelReplies,
  type ChannelReplier,
  type ChannelReply,
} from '../../conversation/channel-replies';

/**
 * USSD takes no person's reply: a session is the gateway's request and the screen answering
 * it, and the user's phone shows nothing it did not ask for.
 */
@Injectable()
export class UssdReplier implements ChannelReplier, OnModuleInit {
  readonly channel = 'ussd';

  constructor(@Inject(ChannelReplies) private readonly replies: ChannelReplies) {}

  onModuleInit(): void {
    this.replies.register(this);
  }

  reply(): Promise<ChannelReply> {
    return Promise.resolve({ refused: 'A USSD session cannot take a message it did not ask for.' });
  }
}
