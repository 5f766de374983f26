import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/config';

export const EVENTS_APPENDED_CHANNEL = 'events-appended';

/**
 * Redis connections for pub/sub nudges and health. BullMQ opens its own. The channel names are
 * prefixed with QUEUE_PREFIX so test files and deployments sharing a Redis stay apart.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    this.client = this.connect('kefu-cmd');
  }

  connect(name: string, opts: RedisOptions = {}): Redis {
    const r = new Redis(this.config.redisUrl, {
      connectionName: name,
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      retryStrategy: (n) => Math.min(n * 200, 2000),
      ...opts,
    });
    r.on('error', (e: Error) =>
      this.logger.warn({ err: e.message, connection: name }, 'redis connection error'),
    );
    if (this.client) this.extra.push(r);
    return r;
  }

  channel(name: string): string {
    return `${this.config.queuePrefix}:${name}`;
  }

  /** Best-effort publish: the subscriber also polls, so a lost nudge only adds latency. */
  async publish(channel: string, message: string): Promise<void> {
    try {
      await this.client.publish(this.channel(channel), message);
    } catch (e) {
      this.logger.debug({ err: (e as Error).message }, 'publish failed');
    }
  }

  async ping(timeoutMs = 1000): Promise<boolean> {
    try {
      const res = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, rej) =>
          setTimeout(() => rej(new Error('redis ping timeout')), timeoutMs).unref(),
        ),
      ]);
      return res === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Connections already closed by their users are skipped: quitting them again would fail and
    // disconnect() would then leave a 2 s timer behind.
    const open = [this.client, ...this.extra].filter((r) => r.status !== 'end');
    await Promise.all(open.map((r) => r.quit().catch(() => r.disconnect(false))));
  }
}
