import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { ConsumerRunner, EventConsumer } from '../event-store/consumer-runner';
import { EventStore } from '../event-store/event-store';
import { EVENTS_APPENDED_CHANNEL, RedisService } from '../redis/redis.service';
import { ReconcilerRegistry } from './reconcilers';

/** Consumers (projectors, the dispatcher) register here; only the worker's host runs them. */
@Injectable()
export class ConsumerRegistry {
  private readonly consumers: EventConsumer[] = [];

  register(consumer: EventConsumer): void {
    if (this.consumers.some((c) => c.name === consumer.name))
      throw new Error(`consumer ${consumer.name} registered twice`);
    this.consumers.push(consumer);
  }

  list(): readonly EventConsumer[] {
    return this.consumers;
  }
}

/**
 * Runs every registered consumer in the worker: polling, woken early by the Redis nudge that the
 * API publishes after each commit. Stops cleanly on shutdown, before the database closes (the
 * current batch finishes or rolls back).
 */
@Injectable()
export class ConsumersHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumersHost.name);
  private runners: ConsumerRunner[] = [];
  private subscriber?: Redis;
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling?: Promise<unknown>;

  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly reconcilers: ReconcilerRegistry,
  ) {}

  /** Re-derives lost jobs from Postgres (see JobReconciler); at boot and every RECONCILE_INTERVAL_SECONDS. */
  reconcileNow(): Promise<unknown> {
    this.reconciling ??= this.reconcilers.runAll().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  runner(name: string): ConsumerRunner | undefined {
    return this.runners.find((r) => r.consumer.name === name);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.runners = this.registry
      .list()
      .map((c) => new ConsumerRunner(this.dataSource, this.store, c, { pollMs: this.config.consumerPollMs }));
    for (const r of this.runners) await r.ensureCheckpoint();
    this.subscriber = this.redis.connect('kefu-nudge-sub');
    const channel = this.redis.channel(EVENTS_APPENDED_CHANNEL);
    this.subscriber.on('message', () => this.runners.forEach((r) => r.nudge()));
    await this.subscriber.subscribe(channel).catch((e: Error) => {
      this.logger.warn({ err: e.message }, 'nudge subscription failed; consumers poll only');
    });
    this.runners.forEach((r) => r.start());
    void this.reconcileNow();
    const every = this.config.reconcileIntervalSeconds * 1000;
    if (every > 0) this.reconcileTimer = setInterval(() => void this.reconcileNow(), every);
    this.logger.log({ consumers: this.runners.map((r) => r.consumer.name) }, 'consumers started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.reconciling?.catch(() => undefined);
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.subscriber?.quit().catch(() => undefined);
  }
}
