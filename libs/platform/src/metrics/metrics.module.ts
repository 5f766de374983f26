import { Global, Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DomainMetrics } from './domain-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';

/** One Registry per app (not prom-client's global one), so tests can boot several apps in a process. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Metrics for the app. Other modules inject `Registry` (prom-client) and register their own
 * counters on it: `new Counter({ name, help, registers: [registry] })`.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [{ provide: Registry, useFactory: createMetricsRegistry }, HttpMetrics, DomainMetrics],
  exports: [Registry, HttpMetrics, DomainMetrics],
})
export class MetricsModule {}
