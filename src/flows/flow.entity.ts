import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type FlowType = 'conversation' | 'meta';
export type FlowStatus = 'draft' | 'published';

@Entity('flows')
export class Flow {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'chatbot_id', type: 'char', length: 26 })
  chatbotId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: FlowType;

  @Column({ type: 'text' })
  status: FlowStatus;

  @Column({ type: 'json' })
  definition: Record<string, unknown>;

  @Column({ name: 'published_version_id', type: 'char', length: 26, nullable: true })
  publishedVersionId: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt: Date | null;
}
