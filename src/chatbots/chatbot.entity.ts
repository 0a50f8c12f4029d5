import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TraceLevel } from '../conversation/trace-level';

@Entity('chatbots')
export class Chatbot {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'workspace_id', type: 'char', length: 26 })
  workspaceId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Where conversation events are POSTed (a helpdesk); null: none are made. */
  @Column({ name: 'events_url', type: 'text', nullable: true })
  eventsUrl: string | null;

  /** The secret that signs them, sealed by the secret box. */
  @Column({ name: 'events_secret', type: 'text', nullable: true })
  eventsSecret: string | null;

  @Column({ name: 'events_key_id', type: 'text', nullable: true })
  eventsKeyId: string | null;

  /** Days its turn traces are kept; null: TRACE_RETENTION_DAYS, 0: for ever. */
  @Column({ name: 'trace_retention_days', type: 'double precision', nullable: true })
  traceRetentionDays: number | null;

  /** Days its finished conversations' messages are kept; null: MESSAGE_RETENTION_DAYS. */
  @Column({ name: 'message_retention_days', type: 'double precision', nullable: true })
  messageRetentionDays: number | null;

  /** Which of its turns write a trace: `full`, `errors` or `off` (previews always do). */
  @Column({ name: 'trace_level', type: 'text', default: 'full' })
  traceLevel: TraceLevel;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
