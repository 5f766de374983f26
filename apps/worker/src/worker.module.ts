import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import {
  AppConfig,
  ConsumersHostModule,
  ConsumersModule,
  HealthModule,
  MaintenanceModule,
  MetricsModule,
  QueueModule,
  WorkerMetricsModule,
  platformCore,
} from '@kefu/platform';
import { EscalationWorkerModule } from '@kefu/escalation';
import { DisputesWorkerModule } from '@kefu/disputes';
import { RefundsWorkerModule } from '@kefu/refunds';
import { FeedbackWorkerModule } from '@kefu/feedback';
import { AccountRecoveryWorkerModule } from '@kefu/account-recovery';
import { SelfServiceWorkerModule } from '@kefu/self-service';
import { TicketsWorkerModule } from '@kefu/tickets';
import { SlaWorkerModule } from '@kefu/sla';
import { WebhooksWorkerModule } from '@kefu/webhooks';

/**
 * The worker: BullMQ processors, the job dispatcher and the async projectors, plus /metrics and
 * /health/* on WORKER_PORT. Feature modules add
 * their processors, job routes and consumers through WORKER_FEATURES (one place to wire them).
 */
export const WORKER_FEATURES: NonNullable<ModuleMetadata['imports']> = [
  TicketsWorkerModule,
  WebhooksWorkerModule,
  SlaWorkerModule,
  EscalationWorkerModule,
  RefundsWorkerModule,
  DisputesWorkerModule,
  FeedbackWorkerModule,
  AccountRecoveryWorkerModule,
  SelfServiceWorkerModule,
];

@Module({})
export class WorkerModule {
  static forRoot(
    config: AppConfig,
    extraImports: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...platformCore(config),
        QueueModule.forRoot(),
        ConsumersModule,
        // Its own small HTTP surface: /metrics and /health/* (WORKER_PORT).
        MetricsModule,
        WorkerMetricsModule,
        HealthModule,
        MaintenanceModule,
        ...WORKER_FEATURES,
        ...extraImports,
        // Last, so every feature has registered its consumers and job routes before the host starts.
        ConsumersHostModule,
      ],
    };
  }
}
