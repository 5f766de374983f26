import { Module } from '@nestjs/common';
import { RefundJobsProcessor, RefundOverdueReconciler, RefundOverdueRoutes } from './jobs/refund-overdue.job';
import { RefundsCoreModule } from './refunds.module';

/** Refunds' background work: the `refund_not_received` follow-up after `expectedBy`. */
@Module({
  imports: [RefundsCoreModule],
  providers: [RefundOverdueRoutes, RefundOverdueReconciler, RefundJobsProcessor],
})
export class RefundsWorkerModule {}
