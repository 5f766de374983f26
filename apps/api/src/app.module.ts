import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import {
  AppConfig,
  AuthModule,
  HealthModule,
  KefuGraphqlModule,
  MetricsModule,
  PiiApiModule,
  platformCore,
} from '@kefu/platform';
import { AccountRecoveryApiModule } from '@kefu/account-recovery';
import { AgentsApiModule } from '@kefu/agents';
import { DisputesApiModule } from '@kefu/disputes';
import { RefundsApiModule } from '@kefu/refunds';
import { EscalationApiModule } from '@kefu/escalation';
import { FeedbackApiModule } from '@kefu/feedback';
import { HelpCentreApiModule } from '@kefu/help-centre';
import { SelfServiceApiModule } from '@kefu/self-service';
import { TicketsApiModule } from '@kefu/tickets';
import { SlaApiModule } from '@kefu/sla';
import { WebhooksApiModule } from '@kefu/webhooks';
import { DashboardShutdown } from './queue-dashboard';

/**
 * The API: HTTP (REST + GraphQL) wiring only. Feature modules are listed in FEATURE_MODULES below;
 * tests pass a per-file config and, when they need them, test-only modules as extraImports.
 */
export const FEATURE_MODULES: NonNullable<ModuleMetadata['imports']> = [
  TicketsApiModule,
  AgentsApiModule,
  WebhooksApiModule,
  SlaApiModule,
  RefundsApiModule,
  DisputesApiModule,
  EscalationApiModule,
  FeedbackApiModule,
  HelpCentreApiModule,
  SelfServiceApiModule,
  PiiApiModule,
  AccountRecoveryApiModule,
];

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    extraImports: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCore(config),
        AuthModule,
        MetricsModule,
        HealthModule,
        KefuGraphqlModule.forRoot(),
        ...FEATURE_MODULES,
        ...extraImports,
      ],
      providers: [DashboardShutdown],
    };
  }
}
