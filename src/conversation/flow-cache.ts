import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { CompiledFlow, compileFlow } from '../engine';
import { FlowsRepository } from '../flows/flows.repository';

export interface CachedFlow {
  compiled: CompiledFlow;
  name: string;
}

/** Compiled versions kept per instance (least recently used out first). */
export const FLOW_CACHE_MAX = 500;
/** Injection token to give a FlowCache another bound (specs). */
export const FLOW_CACHE_LIMIT = Symbol('FLOW_CACHE_LIMIT');

/**
 * Published flow versions are immutable, so each is loaded, normalised and compiled once
 * and kept, at most FLOW_CACHE_MAX of them (least recently used out first). Concurrent
 * first asks share one load; a version that is gone, or a failed load, is not kept.
 */
@Injectable()
export class FlowCache {
  private readonly entries: LRUCache<string, CachedFlow>;

  constructor(
    @Inject(FlowsRepository) private readonly flows: FlowsRepository,
    @Optional() @Inject(FLOW_CACHE_LIMIT) max: number = FLOW_CACHE_MAX,
  ) {
    this.entries = new LRUCache<string, CachedFlow>({
      max,
      // A load pushed out by newer ones before it finished still answers its callers.
      ignoreFetchAbort: true,
      fetchMethod: (versionId) => this.load(versionId),
    });
  }

  /** The compiled version, or null when it no longer exists (its flow was deleted). */
  async get(versionId: string): Promise<CachedFlow | null> {
    return (await this.entries.fetch(versionId)) ?? null;
  }

  /** Versions held now (at most the bound). */
  get size(): number {
    return this.entries.size;
  }

  private async load(versionId: string): Promise<CachedFlow | undefined> {
    const version = await this.flows.version(versionId);
    if (!version) return undefined;
    return { compiled: compileFlow(version.definition), name: version.name };
  }
}
