import { Module } from '@nestjs/common';
import { RetentionRepository } from './retention.repository';
import { RetentionSweeper } from './retention-sweeper';

/** Deletes what is past its retention period, in small batches (docs/retention.md). */
@Module({
  providers: [RetentionRepository, RetentionSweeper],
  exports: [RetentionSweeper],
})
export class RetentionModule {}
