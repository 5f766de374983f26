import { Module, OnModuleInit } from '@nestjs/common';
import { ProjectionRegistry, PublicEventSources } from '@kefu/platform';
import { TicketsCoreModule } from '@kefu/tickets';
import { RecoveryPresenter } from './application/recovery-presenter';
import { RECOVERY_PUBLIC_EVENTS } from './application/recovery-public-events';
import { RecoveryQueries } from './application/recovery-queries';
import { RecoveryService } from './application/recovery.service';
import { RecoveryCaseProjection } from './projections/recovery-case-view.projection';

/** Account recovery: commands, read model, public events. The API adds controllers and resolvers. */
@Module({
  imports: [TicketsCoreModule],
  providers: [RecoveryCaseProjection, RecoveryQueries, RecoveryService, RecoveryPresenter],
  exports: [RecoveryCaseProjection, RecoveryQueries, RecoveryService, RecoveryPresenter],
})
export class AccountRecoveryCoreModule implements OnModuleInit {
  constructor(
    private readonly projections: ProjectionRegistry,
    private readonly projection: RecoveryCaseProjection,
    private readonly sources: PublicEventSources,
  ) {}

  onModuleInit(): void {
    this.projections.register(this.projection);
    this.sources.register(RECOVERY_PUBLIC_EVENTS);
  }
}

/**
 * The worker side: no jobs of its own (a lock-out ends lazily at the next submission), but the
 * worker's webhook fan-out maps recovery events through the public event source registered above.
 */
@Module({ imports: [AccountRecoveryCoreModule] })
export class AccountRecoveryWorkerModule {}
