// The tickets' GraphQL surface other modules build on (agents adds Ticket.assignee and node()).
export * from './agent-directory';
export * from './graphql-args';
export * from './message.model';
export * from './ticket-enums.model';
export * from './ticket-parts.model';
export * from './ticket.input';
export * from './ticket.mapper';
export * from './ticket.model';
export * from './ticket-page-prefetch';
export * from './ticket-updates.publisher';
export * from './timeline.model';
export * from './ticket-linked.loader';
