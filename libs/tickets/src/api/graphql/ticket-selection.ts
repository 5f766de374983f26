import { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import { TicketColumn } from '../../application/ticket-queries';

/**
 * The ticket_view columns each Ticket field is mapped from (toTicketModelFromRow). Fields resolved
 * elsewhere from the ticket's id (messages, timeline, dispute, refunds, …) need no column. A field
 * missing here (one added later) sends the page down the full read: the fast path never guesses.
 */
const FIELD_COLUMNS: Readonly<Record<string, readonly TicketColumn[]>> = {
  __typename: [],
  id: [],
  number: ['number'],
  subject: ['subject'],
  description: ['description'],
  category: ['category'],
  priority: ['priority'],
  status: ['status'],
  channel: ['channel'],
  language: ['language'],
  customer: ['customer'],
  transaction: ['transaction'],
  tags: ['tags'],
  tier: ['tier'],
  escalationLevel: ['escalation_level'],
  assignee: ['assignee_id'],
  sla: ['sla'],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
  // The client version (ADR 0014): what expectedVersion is checked against, not the stream's.
  version: ['client_version'],
  segments: ['segments'],
  vip: ['vip'],
  messages: [],
  timeline: [],
  dispute: [],
  refunds: [],
  recoveryCase: [],
  survey: [],
};

const CUSTOMER_FIELDS = ['name', 'email', 'phone'] as const;
type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export interface TicketSelection {
  columns: TicketColumn[];
  /** The sealed customer fields asked for (only these are opened). */
  customerFields: CustomerField[];
  /** The Ticket fields asked for (for TicketPagePrefetch). */
  fields: Set<string>;
}

/** The fields of a selection set, through fragment spreads and inline fragments (a superset is fine). */
function fieldsOf(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fieldsOf(s.selectionSet, fragments, out, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      fieldsOf(fragments[s.name.value]?.selectionSet, fragments, out, seen);
    }
  }
  return out;
}

/**
 * What a `tickets` query asks of each ticket (`edges { node { … } }`), as columns to read; undefined
 * when it asks for a field this map does not know, and the page is read in full.
 */
export function ticketSelectionOf(info: GraphQLResolveInfo): TicketSelection | undefined {
  const columns = new Set<TicketColumn>();
  const customer = new Set<CustomerField>();
  const fields = new Set<string>();
  const root = info.fieldNodes.flatMap((f) => fieldsOf(f.selectionSet, info.fragments));
  const edges = root.filter((f) => f.name.value === 'edges');
  const nodes = edges.flatMap((e) =>
    fieldsOf(e.selectionSet, info.fragments).filter((f) => f.name.value === 'node'),
  );
  for (const field of nodes.flatMap((n) => fieldsOf(n.selectionSet, info.fragments))) {
    const name = field.name.value;
    const cols = Object.prototype.hasOwnProperty.call(FIELD_COLUMNS, name) ? FIELD_COLUMNS[name] : undefined;
    if (!cols) return undefined;
    fields.add(name);
    for (const c of cols) columns.add(c);
    if (name === 'customer') {
      for (const sub of fieldsOf(field.selectionSet, info.fragments)) {
        const k = sub.name.value as CustomerField;
        if (CUSTOMER_FIELDS.includes(k)) customer.add(k);
      }
    }
  }
  return { columns: [...columns], customerFields: [...customer], fields };
}
