import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FlowType } from './flow.entity';

/** What one publish made live; never changed afterwards. Sessions pin one of these. */
@Entity('flow_versions')
export class FlowVersion {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'flow_id', type: 'char', length: 26 })
  flowId: string;

  @Column({ name: 'chatbot_id', type: 'char', length: 26 })
  chatbotId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: FlowType;

  @Column({ type: 'json' })
  definition: Record<string, unknown>;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  /** A preview run's snapshot of a draft: not a published version, not in the history. */
  @Column({ type: 'boolean', default: false })
  preview: boolean;
}
