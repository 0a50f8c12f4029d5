import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Only a SHA-256 hash of the key is stored; the plaintext is shown once at creation. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'workspace_id', type: 'char', length: 26 })
  workspaceId: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** First characters of the key, to tell keys apart in listings. */
  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
