import { Injectable } from '@nestjs/common';
import {
  CommandRunner,
  DomainError,
  Principal,
  Projection,
  StoredEvent,
  Tx,
  preparedSql,
  withDomainErrors,
} from '@kefu/platform';
import { DataSource } from 'typeorm';
import {
  CUSTOMER_SEGMENTS_STREAM_TYPE,
  CustomerSegmentsSet,
  SetCustomerSegments,
  customerSegmentsDecider,
  customerSegmentsStreamId,
} from '../domain/customer-segments';
import { isStaff } from '@kefu/kernel';
import { actorFromPrincipal } from './actor';

export interface CustomerSegmentsView {
  customerId: string;
  segments: string[];
  updatedAt: string | null;
}

const decider = withDomainErrors(customerSegmentsDecider);

/** customer_segments from CustomerSegmentsSet; inline and rebuildable. */
@Injectable()
export class CustomerSegmentsProjection implements Projection {
  readonly name = 'customer-segments';
  readonly tables = ['customer_segments'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== CUSTOMER_SEGMENTS_STREAM_TYPE || s.type !== 'CustomerSegmentsSet') continue;
      const d = s.data as CustomerSegmentsSet['data'];
      await tx.execute(
        `INSERT INTO customer_segments (customer_id, segments, updated_at, version) VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE SET segments = $2, updated_at = $3, version = $4
         WHERE customer_segments.version < $4`,
        [d.customerId, d.segments, d.at, s.streamPosition],
      );
    }
  }
}

/** Segments an admin sets on a customer account; tickets the customer opens afterwards carry them. */
@Injectable()
export class CustomerSegmentsService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: CustomerSegmentsProjection,
    private readonly ds: DataSource,
  ) {}

  async set(principal: Principal, customerId: string, segments: unknown): Promise<CustomerSegmentsView> {
    const actor = actorFromPrincipal(principal);
    const r = await this.commands.transaction({}, (tx) =>
      this.commands.handleIn(tx, {
        streamType: CUSTOMER_SEGMENTS_STREAM_TYPE,
        streamId: customerSegmentsStreamId(customerId),
        decider,
        command: this.commands.stamp<SetCustomerSegments>(principal, {
          type: 'SetCustomerSegments',
          data: { customerId, segments },
        }),
        authorize: () => {
          if (actor.role !== 'admin') throw DomainError.forbidden('Only admins set customer segments.');
        },
        project: (t, events) => this.projection.apply(t, events),
        respond: (t) => segmentsIn(t, customerId),
      }),
    );
    return r.result;
  }

  async get(principal: Principal, customerId: string): Promise<CustomerSegmentsView> {
    if (!isStaff(actorFromPrincipal(principal).role)) throw DomainError.forbidden('Staff only.');
    const rows = (await this.ds.query(
      `SELECT segments, updated_at FROM customer_segments WHERE customer_id = $1`,
      [customerId],
    )) as Array<{ segments: string[]; updated_at: Date }>;
    return {
      customerId,
      segments: rows[0]?.segments ?? [],
      updatedAt: rows[0]?.updated_at.toISOString() ?? null,
    };
  }
}

const SEGMENTS_OF = preparedSql(
  'customer_segments_of',
  `SELECT segments, updated_at FROM customer_segments WHERE customer_id = $1`,
);

/** The admin-set segments of a customer, read inside the command's transaction. */
export async function segmentsIn(tx: Tx, customerId: string): Promise<CustomerSegmentsView> {
  const row = await tx.one<{ segments: string[]; updated_at: Date }>(SEGMENTS_OF, [customerId]);
  return { customerId, segments: row?.segments ?? [], updatedAt: row?.updated_at.toISOString() ?? null };
}
