import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import {
  AppConfig,
  ConsumersHostModule,
  ConsumersModule,
  MaintenanceModule,
  QueueModule,
  platformCore,
} from '@kefu/platform';
import { EscalationWorkerModule } from '@kefu/escalation';
import { DisputesWorkerModule } from '@kefu/disputes';
import { RefundsWorkerModule } from '@kefu/refunds';
import { FeedbackWorkerModule } from '@kefu/feedback';
import { TicketsWorkerModule } from '@kefu/tickets';
import { WebhooksWorkerModule } from '@kefu/webhooks';

/**
 * The worker: BullMQ processors, the job dispatcher and the async projectors. Feature modules add
 * their processors, job routes and consumers through WORKER_FEATURES (one place to wire them).
 */
export const WORKER_FEATURES: NonNullable<ModuleMetadata['imports']> = [
  TicketsWorkerModule,
  WebhooksWorkerModule,
  EscalationWorkerModule,
  RefundsWorkerModule,
  DisputesWorkerModule,
  FeedbackWorkerModule,
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
        MaintenanceModule,
        ...WORKER_FEATURES,
        ...extraImports,
        // Last, so every feature has registered its consumers and job routes before the host starts.
        ConsumersHostModule,
      ],
    };
  }
}
