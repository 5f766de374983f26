import { Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';

/** Redis channel (under QUEUE_PREFIX) on which a revoked key's id is announced to every replica. */
export const API_KEYS_REVOKED_CHANNEL = 'api-keys-revoked';

/** What the cache keeps of a key row: enough to check a secret and build the principal. */
export interface CachedApiKey {
  id: string;
  channel: string;
  name: string;
  partner: string;
  secret_hash: string;
  scopes: string[] | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

/**
 * A short, revocation-safe cache of api_keys rows by prefix (API_KEY_CACHE_SECONDS, 0 = off), so a
 * partner's request does not read its key row every time. Safe because:
 * - a revocation evicts the key here and is published on Redis; every replica evicts on the message;
 * - the cache is used only while this replica's subscription is live: while it is down (or being
 *   re-established) every request reads the row, and the cache is emptied, since messages may have
 *   been missed meanwhile;
 * - a row read before a revocation but stored after it is not kept (an eviction generation);
 * - whatever else goes wrong, an entry lives API_KEY_CACHE_SECONDS at most.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly entries = new Map<string, { row: CachedApiKey; until: number }>();
  private readonly ttlMs: number;
  private subscriber?: Redis;
  private live = false;
  private generation = 0;

  constructor(
    config: AppConfig,
    @Optional() private readonly redis?: RedisService,
  ) {
    this.ttlMs = config.apiKeyCacheSeconds * 1000;
  }

  get enabled(): boolean {
    return this.ttlMs > 0 && this.redis !== undefined;
  }

  onModuleInit(): void {
    if (!this.enabled || !this.redis) return;
    const channel = this.redis.channel(API_KEYS_REVOKED_CHANNEL);
    const sub = this.redis.connect('kefu-api-key-cache');
    this.subscriber = sub;
    const down = () => {
      this.live = false;
      this.clear();
    };
    sub.on('close', down);
    sub.on('end', down);
    sub.on('reconnecting', down);
    // ioredis re-subscribes by itself after a reconnect; live again only once Redis confirmed it.
    sub.on('ready', () => {
      if (sub.status === 'ready' && this.live === false) this.confirm(sub, channel);
    });
    sub.on('message', (ch: string, id: string) => {
      if (ch === channel) this.evict(id);
    });
    // Not awaited: the API starts (and serves, reading key rows) while Redis is away.
    this.confirm(sub, channel);
  }

  private confirm(sub: Redis, channel: string): void {
    // 'ready' comes before ioredis has re-sent SUBSCRIBE; a subscribe of our own is answered after it.
    sub.subscribe(channel).then(
      () => {
        this.clear();
        this.live = true;
      },
      (e: unknown) =>
        this.logger.warn(
          { err: e instanceof Error ? e.message : String(e) },
          'api key revocations not subscribed: cache off until they are',
        ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.live = false;
    this.clear();
    if (this.subscriber && this.subscriber.status !== 'end') {
      await this.subscriber.quit().catch(() => this.subscriber?.disconnect(false));
    }
  }

  /** The generation to pass back to set(): rows read before a later eviction are not kept. */
  get currentGeneration(): number {
    return this.generation;
  }

  get(prefix: string): CachedApiKey | undefined {
    if (!this.live) return undefined;
    const e = this.entries.get(prefix);
    if (!e) return undefined;
    if (e.until <= Date.now()) {
      this.entries.delete(prefix);
      return undefined;
    }
    return e.row;
  }

  set(prefix: string, row: CachedApiKey, generation: number): void {
    if (!this.live || generation !== this.generation || row.revoked_at) return;
    this.entries.set(prefix, { row, until: Date.now() + this.ttlMs });
  }

  evict(id: string): void {
    this.generation++;
    for (const [prefix, e] of this.entries) if (e.row.id === id) this.entries.delete(prefix);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** After a revocation has committed: evict here, and tell every replica. */
  async revoked(id: string): Promise<void> {
    this.evict(id);
    if (!this.redis) return;
    try {
      await this.redis.client.publish(this.redis.channel(API_KEYS_REVOKED_CHANNEL), id);
    } catch (e) {
      this.logger.warn(
        { apiKeyId: id, err: (e as Error).message },
        'revocation not published: other replicas may accept the key until their cache entry expires (API_KEY_CACHE_SECONDS)',
      );
    }
  }
}
