import { Inject, Injectable } from '@nestjs/common';
import { CompiledFlow, compileFlow } from '../engine';
import { FlowsRepository } from '../flows/flows.repository';

export interface CachedFlow {
  compiled: CompiledFlow;
  name: string;
}

const MAX_ENTRIES = 500;

/**
 * Published flow versions are immutable, so each is loaded, normalised and compiled once
 * and kept (least recently used out first).
 */
@Injectable()
export class FlowCache {
  private readonly entries = new Map<string, Promise<CachedFlow | null>>();

  constructor(@Inject(FlowsRepository) private readonly flows: FlowsRepository) {}

  /** The compiled version, or null when it no longer exists (its flow was deleted). */
  get(versionId: string): Promise<CachedFlow | null> {
    const hit = this.entries.get(versionId);
    if (hit) {
      this.entries.delete(versionId);
      this.entries.set(versionId, hit);
      return hit;
    }
    const loading = this.load(versionId);
    this.entries.set(versionId, loading);
    loading.then(
      (v) => v === null && this.entries.delete(versionId),
      () => this.entries.delete(versionId),
    );
    if (this.entries.size > MAX_ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    return loading;
  }

  private async load(versionId: string): Promise<CachedFlow | null> {
    const version = await this.flows.version(versionId);
    if (!version) return null;
    return { compiled: compileFlow(version.definition), name: version.name };
  }
}
