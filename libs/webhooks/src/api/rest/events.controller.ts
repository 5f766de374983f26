import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  API_KEY_SECURITY,
  ApiProblems,
  CurrentPrincipal,
  DomainError,
  PartnerOnly,
  PartnerPrincipal,
} from '@kefu/platform';
import { EventFeedService, FEED_DEFAULT_LIMIT } from '../../application/event-feed.service';
import { EventFeedQueryDto } from './webhook.dto';
import { EventFeedResource } from './webhook.resource';

/** The event feed: the same events as the webhooks, for partners who poll. */
@ApiTags('events')
@ApiSecurity(API_KEY_SECURITY)
@PartnerOnly()
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly feed: EventFeedService) {}

  @Get()
  @ApiOperation({
    summary: "The channel's public events, in order",
    description:
      'Pages through the log of the tickets this channel brought in, oldest first, with no gaps or repeats. ' +
      'Pass nextCursor back as `after`; an empty page returns the cursor you sent: poll again later with it.',
  })
  @ApiResponse({ status: 200, type: EventFeedResource })
  @ApiProblems('validation_failed')
  async list(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Query() q: EventFeedQueryDto,
  ): Promise<EventFeedResource> {
    if (q.after !== undefined && q.cursor !== undefined && q.after !== q.cursor) {
      throw DomainError.validation([{ field: 'after', message: 'give either after or cursor, not both' }]);
    }
    const after = this.feed.parseCursor(q.after ?? q.cursor);
    return this.feed.page(principal.partner, after, q.limit ?? FEED_DEFAULT_LIMIT, principal.scopes ?? []);
  }
}
