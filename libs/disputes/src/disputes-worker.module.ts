import { Module } from '@nestjs/common';
import { DisputesCoreModule } from './disputes.module';
import { MerchantDeadlineJob } from './jobs/merchant-deadline.job';

/** Disputes' background work: the merchant response deadline. */
@Module({
  imports: [DisputesCoreModule],
  providers: [MerchantDeadlineJob],
})
export class DisputesWorkerModule {}
