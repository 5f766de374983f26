import { Module } from '@nestjs/common';
import { SlaCoreModule } from '../sla.module';
import { SlaConfigResolver } from './sla-config.resolver';

/** The SLA configuration's GraphQL surface (the clocks show on Ticket.sla, from the tickets module). */
@Module({ imports: [SlaCoreModule], providers: [SlaConfigResolver] })
export class SlaApiModule {}
