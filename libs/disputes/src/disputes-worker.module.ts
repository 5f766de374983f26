import { Module } from '@nestjs/common';
import { DisputesCoreModule } from './disputes.module';
import {
  DisputeJobsProcessor,
  MerchantDeadlineReconciler,
  MerchantDeadlineRoutes,
} from './jobs/merchant-deadline.job';

/** Disputes' background work: the merchant response deadline. */
@Module({
  imports: [DisputesCoreModule],
  providers: [MerchantDeadlineRoutes, MerchantDeadlineReconciler, DisputeJobsProcessor],
})
export class DisputesWorkerModule {}
