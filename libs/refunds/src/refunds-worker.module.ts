import { Module } from '@nestjs/common';
import { RefundOverdueJob } from './jobs/refund-overdue.job';
import { RefundsCoreModule } from './refunds.module';

/** Refunds' background work: the `refund_not_received` follow-up after `expectedBy`. */
@Module({
  imports: [RefundsCoreModule],
  providers: [RefundOverdueJob],
})
export class RefundsWorkerModule {}
