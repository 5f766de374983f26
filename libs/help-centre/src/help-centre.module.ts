import { Module } from '@nestjs/common';
import { HelpCentreResolver } from './api/help-centre.graphql';
import { HelpCentreService } from './application/help-centre.service';

/** Help articles and support channels (read models of their own; no events: ADR 0005). */
@Module({
  providers: [HelpCentreService],
  exports: [HelpCentreService],
})
export class HelpCentreCoreModule {}

@Module({
  imports: [HelpCentreCoreModule],
  providers: [HelpCentreResolver],
})
export class HelpCentreApiModule {}
