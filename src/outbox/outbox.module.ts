import { Global, Module } from '@nestjs/common';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxHandlers } from './outbox-handlers';
import { OutboxRepository } from './outbox.repository';

/**
 * Durable deliveries (fire-and-forget API calls today, channel sends next). Global: any
 * module registers its handler kind and wakes the dispatcher after committing rows.
 */
@Global()
@Module({
  providers: [OutboxRepository, OutboxHandlers, OutboxDispatcher],
  exports: [OutboxRepository, OutboxHandlers, OutboxDispatcher],
})
export class OutboxModule {}
