import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { AGENT_STREAM_TYPE } from '../domain/agent.decider';
import { AgentEvent, AgentProfile } from '../domain/agent.events';

/**
 * agent_view, from agent events only. Applied inline by the command pipeline (read-your-writes) and
 * replayed by `projections rebuild`. Every write is guarded by the stream version, so applying an
 * event twice changes nothing.
 */
@Injectable()
export class AgentViewProjection implements Projection {
  readonly name = 'agent-view';
  readonly tables = ['agent_view'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const stored of events) {
      if (stored.streamType !== AGENT_STREAM_TYPE) continue;
      await this.applyOne(tx, stored.streamPosition, { type: stored.type, data: stored.data } as AgentEvent);
    }
  }

  private async applyOne(tx: Tx, v: number, e: AgentEvent): Promise<void> {
    switch (e.type) {
      case 'AgentRegistered': {
        const d = e.data;
        await tx.execute(
          `INSERT INTO agent_view (id, name, tier, languages, categories, available, max_open_tickets, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
           ON CONFLICT (id) DO NOTHING`,
          [d.agentId, d.name, d.tier, d.languages, d.categories, d.available, d.maxOpenTickets, d.at, v],
        );
        return;
      }
      case 'AgentProfileUpdated':
        return this.update(
          tx,
          e.data.agentId,
          v,
          e.data.at,
          `name = $4, tier = $5, languages = $6, categories = $7, max_open_tickets = $8`,
          profileParams(e.data),
        );
      case 'AgentAvailabilityChanged':
        return this.update(tx, e.data.agentId, v, e.data.at, `available = $4`, [e.data.available]);
      default:
        return ignore(e);
    }
  }

  private update(tx: Tx, id: string, v: number, at: string, set: string, params: unknown[]): Promise<void> {
    return updateIfNewer(tx, 'agent_view', id, v, at, set, params);
  }
}

function profileParams(p: AgentProfile): unknown[] {
  return [p.name, p.tier, p.languages, p.categories, p.maxOpenTickets];
}

function ignore(_e: never): void {
  // Newer event types this projection does not know yet: nothing to show.
}
