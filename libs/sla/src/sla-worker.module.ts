import { Module } from '@nestjs/common';
import { TicketsCoreModule } from '@kefu/tickets';
import { SlaTimerJobs } from './jobs/sla-timers.job';
import { SlaCoreModule } from './sla.module';

/** SLA timers: deadline and warning jobs from the log, recomputes, and their reconciler. */
@Module({
  imports: [SlaCoreModule, TicketsCoreModule],
  providers: [SlaTimerJobs],
})
export class SlaWorkerModule {}
