import { Module } from '@nestjs/common';
import { TicketsCoreModule } from '@kefu/tickets';
import { AccountRecoveryCoreModule } from '../account-recovery.module';
import {
  RecoveryCaseConnectionResolver,
  RecoveryResolver,
  TicketRecoveryCaseResolver,
} from './graphql/recovery.resolver';
import { RecoveryController } from './rest/recovery.controller';

/** Account recovery over REST (partners) and GraphQL (frontends). */
@Module({
  imports: [AccountRecoveryCoreModule, TicketsCoreModule],
  controllers: [RecoveryController],
  providers: [RecoveryResolver, RecoveryCaseConnectionResolver, TicketRecoveryCaseResolver],
})
export class AccountRecoveryApiModule {}
