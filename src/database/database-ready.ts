import { Global, Injectable, Module } from '@nestjs/common';

/**
 * Resolved once the schema is usable (migrations applied, or left to the operator with
 * MIGRATE_ON_START=false). Background workers wait for it before their first query, so a
 * fresh database never sees a worker ask for a table that does not exist yet.
 */
@Injectable()
export class DatabaseReady {
  private resolve!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.resolve = resolve));

  markReady(): void {
    this.resolve();
  }
}

@Global()
@Module({ providers: [DatabaseReady], exports: [DatabaseReady] })
export class DatabaseReadyModule {}
