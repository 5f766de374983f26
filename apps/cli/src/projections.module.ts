import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, platformCore } from '@kefu/platform';
import { AgentsModule } from '@kefu/agents';
import { SlaCoreModule } from '@kefu/sla';
import { DisputesCoreModule } from '@kefu/disputes';
import { RefundsCoreModule } from '@kefu/refunds';
import { EscalationCoreModule } from '@kefu/escalation';
import { FeedbackCoreModule } from '@kefu/feedback';
import { TicketsCoreModule } from '@kefu/tickets';
import { AccountRecoveryCoreModule } from '@kefu/account-recovery';
import { SelfServiceCoreModule } from '@kefu/self-service';

/**
 * Every module that owns read models, wired as in the apps, so the CLI rebuilds exactly the
 * projections (and reads through exactly the upcasters) the running system has.
 */
export const PROJECTION_MODULES = [
  TicketsCoreModule,
  AgentsModule,
  EscalationCoreModule,
  RefundsCoreModule,
  DisputesCoreModule,
  SlaCoreModule,
  FeedbackCoreModule,
  AccountRecoveryCoreModule,
  SelfServiceCoreModule,
];

@Module({})
export class ProjectionsCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectionsCliModule,
      imports: [...platformCore(config), ...PROJECTION_MODULES],
    };
  }
}
