import { Injectable, Logger, Module } from '@nestjs/common';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { RedisService } from '../redis/redis.service';

/**
 * GraphQL subscriptions across API replicas: graphql-redis-subscriptions over two dedicated Redis
 * connections (a subscribing connection can do nothing else). Topics are prefixed with QUEUE_PREFIX
 * (RedisService.channel), so deployments and test files sharing one Redis never hear each other.
 */
@Injectable()
export class GraphqlPubSub {
  private readonly logger = new Logger(GraphqlPubSub.name);
  private readonly pubsub: RedisPubSub;

  constructor(private readonly redis: RedisService) {
    // RedisService quits these connections on shutdown, after GraphQL has closed the sockets (and so
    // ended every subscription's iterator).
    this.pubsub = new RedisPubSub({
      publisher: redis.connect('kefu-gql-pub'),
      subscriber: redis.connect('kefu-gql-sub', { maxRetriesPerRequest: null }),
    });
  }

  /** The Redis channel behind a topic (tests wait on it with PUBSUB NUMSUB). */
  channelOf(topic: string): string {
    return this.redis.channel(`gql:${topic}`);
  }

  /**
   * Best effort, after the commit: a lost message only delays a client's view until its next
   * query, so a Redis hiccup must never fail the mutation that already happened.
   */
  async publish<T>(topic: string, payload: T): Promise<void> {
    try {
      await this.pubsub.publish(this.channelOf(topic), payload);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, topic }, 'subscription publish failed');
    }
  }

  /** Messages on a topic; the Redis subscription starts with the first next() and ends on return(). */
  subscribe<T>(topic: string): AsyncIterator<T> {
    return this.pubsub.asyncIterator<T>(this.channelOf(topic));
  }
}

/** Import wherever subscriptions are published or served; Nest keeps one instance per app. */
@Module({ providers: [GraphqlPubSub], exports: [GraphqlPubSub] })
export class GraphqlPubSubModule {}
